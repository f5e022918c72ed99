import { expect, test } from '@jest/globals'
import { FakeClock, MemoryLog } from '../../__fixtures__/clock.js'
import { ApiError } from '../../src/api/errors.js'
import { backoffDelay, withRetry } from '../../src/api/retry.js'

const transient = (code = 'ServiceUnavailable', throttled = false) =>
  new ApiError({ operation: 'Op', code, message: 'm', transient: true, throttled })
const permanent = () =>
  new ApiError({
    operation: 'Op',
    code: 'SignatureDoesNotMatch',
    message: 'm',
    transient: false,
    throttled: false
  })

test('backoff doubles up to the cap, with jitter in [cap/2, cap]', () => {
  expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 1000, 20_000, () => 1))).toEqual([
    1000, 2000, 4000, 8000, 16_000, 20_000, 20_000
  ])
  expect(backoffDelay(3, 1000, 20_000, () => 0)).toBe(4000)
})

test('transient failures are retried until the call succeeds', async () => {
  const clock = new FakeClock()
  const log = new MemoryLog()
  let calls = 0
  const result = await withRetry(
    'Op',
    async () => {
      calls++
      if (calls < 4) throw transient()
      return 'done'
    },
    { clock, log, deadline: clock.now() + 600_000, random: () => 1 }
  )
  expect(result).toBe('done')
  expect(calls).toBe(4)
  expect(clock.sleeps).toEqual([1000, 2000, 4000])
  expect(log.at('debug').filter((l) => /retry \d/.test(l))).toHaveLength(3)
})

test('a permanent failure is thrown at once', async () => {
  const clock = new FakeClock()
  let calls = 0
  await expect(
    withRetry(
      'Op',
      async () => {
        calls++
        throw permanent()
      },
      { clock, log: new MemoryLog(), deadline: clock.now() + 600_000 }
    )
  ).rejects.toThrow(/SignatureDoesNotMatch/)
  expect(calls).toBe(1)
  expect(clock.sleeps).toEqual([])
})

test('no retry starts past the deadline', async () => {
  const clock = new FakeClock()
  const start = clock.now()
  let calls = 0
  await expect(
    withRetry(
      'Op',
      async () => {
        calls++
        throw transient()
      },
      { clock, log: new MemoryLog(), deadline: start + 30_000, random: () => 1 }
    )
  ).rejects.toThrow(/ServiceUnavailable/)
  expect(clock.now()).toBeLessThanOrEqual(start + 30_000)
  expect(calls).toBe(5) // 1 + 2 + 4 + 8 = 15 s slept; the next 16 s would pass the deadline
})

test('throttling backs off one step further than other failures', async () => {
  const clock = new FakeClock()
  let calls = 0
  await withRetry(
    'Op',
    async () => {
      if (calls++ === 0) throw transient('Throttling.User', true)
      return 1
    },
    { clock, log: new MemoryLog(), deadline: clock.now() + 60_000, random: () => 1 }
  )
  expect(clock.sleeps).toEqual([2000])
})

test('maxAttempts bounds the attempts', async () => {
  const clock = new FakeClock()
  let calls = 0
  await expect(
    withRetry(
      'Op',
      async () => {
        calls++
        throw transient()
      },
      { clock, log: new MemoryLog(), deadline: clock.now() + 600_000, maxAttempts: 2 }
    )
  ).rejects.toThrow()
  expect(calls).toBe(2)
})

test('non-API throws are classified too: a reset is retried', async () => {
  const clock = new FakeClock()
  let calls = 0
  const value = await withRetry(
    'Op',
    async () => {
      if (calls++ === 0) throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
      return 'ok'
    },
    { clock, log: new MemoryLog(), deadline: clock.now() + 60_000 }
  )
  expect(value).toBe('ok')
  expect(calls).toBe(2)
})
