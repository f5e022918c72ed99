/** The one retry path: what is retried, how long it waits, what stops it, and the recovery hooks. */
import { expect, test } from '@jest/globals'
import { FakeClock, MemoryLog } from '../../__fixtures__/clock.js'
import { decorrelatedJitter, equalJitter } from '../../src/api/backoff.js'
import { ApiError } from '../../src/api/errors.js'
import { withRetry, type RetryOptions } from '../../src/api/retry.js'
import { DEADLINE, TransportError } from '../../src/net/errors.js'
import { currentScope, withinScope } from '../../src/net/exchange.js'

const transient = (code = 'ServiceUnavailable', extra: Partial<ApiError> = {}) =>
  new ApiError({
    operation: 'Op',
    code,
    message: code,
    transient: true,
    throttled: false,
    ...extra
  })
const throttled = () =>
  new ApiError({
    operation: 'Op',
    code: 'Throttling.User',
    message: 'slow',
    transient: true,
    throttled: true
  })
const permanent = (code = 'SignatureDoesNotMatch') =>
  new ApiError({ operation: 'Op', code, message: code, transient: false, throttled: false })

/** A call that fails with each of `failures` in turn, then returns 'done'; and its options. */
function script(failures: unknown[], extra: Partial<RetryOptions> = {}) {
  const clock = new FakeClock()
  let calls = 0
  const call = async () => {
    const failure = failures[calls++]
    if (failure) throw failure
    return 'done'
  }
  const options: RetryOptions = {
    clock,
    log: new MemoryLog(),
    deadline: clock.now() + 600_000,
    random: () => 1,
    ...extra
  }
  return { clock, call, options, calls: () => calls }
}

test('equal jitter doubles up to the cap, in [cap/2, cap]', () => {
  expect([0, 1, 2, 3, 4, 5, 6].map((n) => equalJitter(n, 1000, 20_000, () => 1))).toEqual([
    1000, 2000, 4000, 8000, 16_000, 20_000, 20_000
  ])
  expect(equalJitter(3, 1000, 20_000, () => 0)).toBe(4000)
})

test('decorrelated jitter: never faster than before, at most three times it', () => {
  expect(decorrelatedJitter(undefined, 2000, () => 0)).toBe(2000)
  expect(decorrelatedJitter(5000, 2000, () => 1)).toBe(15_000)
  expect(decorrelatedJitter(1000, 2000, () => 0.5)).toBe(4000)
})

test('transient failures are retried until the call succeeds', async () => {
  const { clock, call, options, calls } = script([transient(), transient(), transient()])
  await expect(withRetry('Op', call, options)).resolves.toBe('done')
  expect(calls()).toBe(4)
  expect(clock.sleeps).toEqual([1000, 2000, 4000])
})

test('a permanent failure is thrown at once', async () => {
  const { clock, call, options, calls } = script([permanent(), permanent()])
  await expect(withRetry('Op', call, options)).rejects.toThrow(/SignatureDoesNotMatch/)
  expect(calls()).toBe(1)
  expect(clock.sleeps).toEqual([])
})

test('no attempt starts when the deadline leaves it no time', async () => {
  const failures = Array.from({ length: 20 }, () => transient())
  const { clock, call, options, calls } = script(failures, {
    deadline: Date.UTC(2026, 10, 23, 8) + 30_000
  })
  await expect(withRetry('Op', call, options)).rejects.toThrow(/ServiceUnavailable/)
  expect(clock.now()).toBeLessThanOrEqual(options.deadline)
  expect(calls()).toBe(5) // 1 + 2 + 4 + 8 = 15 s slept; 16 s more would leave under a second
})

test('throttling backs off with decorrelated jitter, from twice the base', async () => {
  const { clock, call, options } = script([throttled(), throttled()])
  await withRetry('Op', call, options)
  expect(clock.sleeps).toEqual([6000, 18_000])
})

test('throttling never counts toward maxFailures: a throttled request was not processed', async () => {
  const failures = [throttled(), throttled(), throttled(), throttled(), transient()]
  const { call, options, calls } = script(failures, { maxFailures: 2 })
  await expect(withRetry('Op', call, options)).resolves.toBe('done')
  expect(calls()).toBe(6)
})

test('maxFailures stops failures that may have been processed', async () => {
  const { call, options, calls } = script([transient(), transient(), transient()], {
    maxFailures: 2
  })
  await expect(withRetry('Op', call, options)).rejects.toThrow(
    /2 attempts over \d+s: 2× ServiceUnavailable/
  )
  expect(calls()).toBe(2)
})

test('maxAttempts bounds every attempt, throttled or not', async () => {
  const { call, options, calls } = script([throttled(), throttled()], { maxAttempts: 1 })
  await expect(withRetry('Op', call, options)).rejects.toThrow(/Throttling/)
  expect(calls()).toBe(1)
})

test("the service's x-acs-retry-after is honoured: never sooner", async () => {
  const { clock, call, options } = script(
    [transient('Throttling', { throttled: true, retryAfterMs: 7000 })],
    {
      random: () => 0
    }
  )
  await withRetry('Op', call, options)
  expect(clock.sleeps).toEqual([7000])
})

test('a recovery hook mends a permanent failure once, and the call is tried again at once', async () => {
  const seen: string[] = []
  const hook = (error: ApiError) => {
    seen.push(error.code)
    return error.code === 'InvalidSecurityToken.Expired'
  }
  const expired = () => permanent('InvalidSecurityToken.Expired')
  const once = script([expired()], { recover: [hook] })
  await expect(withRetry('Op', once.call, once.options)).resolves.toBe('done')
  expect(once.clock.sleeps).toEqual([])
  const twice = script([expired(), expired()], { recover: [hook] })
  await expect(withRetry('Op', twice.call, twice.options)).rejects.toThrow(/Expired/)
  expect(twice.calls()).toBe(2)
  expect(seen).toEqual(['InvalidSecurityToken.Expired', 'InvalidSecurityToken.Expired'])
})

test('a failed exchange is classified by its kind: a reset is retried, a certificate is not', async () => {
  const reset = new TransportError({ kind: 'network', code: 'ECONNRESET', reached: true }, 'reset')
  const retried = script([reset])
  await expect(withRetry('Op', retried.call, retried.options)).resolves.toBe('done')
  const tls = new TransportError(
    { kind: 'tls', code: 'SELF_SIGNED_CERT_IN_CHAIN', reached: false },
    'tls'
  )
  const refused = script([tls])
  await expect(withRetry('Op', refused.call, refused.options)).rejects.toThrow(
    /SELF_SIGNED_CERT_IN_CHAIN/
  )
  expect(refused.calls()).toBe(1)
})

test('a try the deadline stopped is not the reason given: the failure before it is', async () => {
  const deadline = new TransportError(
    { kind: 'deadline', code: DEADLINE, reached: false },
    'no time'
  )
  const { call, options } = script([transient('ECONNREFUSED'), deadline])
  const failure = await withRetry('Op', call, options).catch((error: ApiError) => error)
  expect((failure as ApiError).code).toBe('ECONNREFUSED')
  expect((failure as ApiError).message).toMatch(
    /2 attempts over \d+s: 1× ECONNREFUSED, 1× DeadlineReached/
  )
})

test('a call inside another never outlives the outer deadline, and keeps its cancellation', async () => {
  const clock = new FakeClock()
  const abort = new AbortController()
  const seen = await withinScope(
    { clock, deadline: clock.now() + 5000, signal: abort.signal },
    () =>
      withRetry('Inner', async () => currentScope(), {
        clock,
        log: new MemoryLog(),
        deadline: clock.now() + 60_000
      })
  )
  expect(seen?.deadline).toBe(clock.now() + 5000)
  expect(seen?.signal).toBe(abort.signal)
})
