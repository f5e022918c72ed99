import { expect, test } from '@jest/globals'
import { FakeClock, MemoryLog } from '../../__fixtures__/clock.js'
import type { Execution } from '../../src/ecs/client.js'
import { ApiError, toApiError } from '../../src/api/errors.js'
import { DEADLINE, TransportError } from '../../src/net/errors.js'
import { FINAL_POLL_MS, waitForExecution, type WaitOptions } from '../../src/wait/wait.js'

/** A scripted execution: status by elapsed time, with optional failures by poll number. */
function scripted(
  clock: FakeClock,
  phases: Array<[string, number]>,
  failures: Record<number, ApiError> = {},
  invisibleMs = 0
) {
  const start = clock.now()
  let calls = 0
  return {
    calls: () => calls,
    api: {
      async getExecution({ executionId }: { executionId: string }): Promise<Execution | undefined> {
        calls++
        if (failures[calls]) throw failures[calls]
        const elapsed = clock.now() - start
        if (elapsed < invisibleMs) return undefined
        let at = 0
        for (const [status, ms] of phases) {
          if (elapsed < at + ms || ms === Infinity)
            return {
              executionId,
              status,
              tags: [],
              imageId: status === 'SUCCESS' ? 'm-1' : undefined
            }
          at += ms
        }
        const [status] = phases[phases.length - 1]
        return { executionId, status, tags: [] }
      }
    }
  }
}

function options(
  clock: FakeClock,
  api: WaitOptions['api'],
  overrides: Partial<WaitOptions> = {}
): WaitOptions {
  return {
    api,
    executionId: 'exec-1',
    clock,
    log: new MemoryLog(),
    deadline: clock.now() + 6 * 3_600_000,
    startedAt: clock.now(),
    visibleFrom: clock.now(),
    schedule: { minMs: 10_000, maxMs: 60_000 },
    random: () => 0.5,
    ...overrides
  }
}

const HOUR = 3_600_000

test('a 5-hour build is followed to SUCCESS in simulated time, each change logged once', async () => {
  const clock = new FakeClock()
  const log = new MemoryLog()
  const build = scripted(clock, [
    ['PREPARING', 10 * 60_000],
    ['BUILDING', 4 * HOUR],
    ['DISTRIBUTING', 40 * 60_000],
    ['RELEASING', 5 * 60_000],
    ['SUCCESS', Infinity]
  ])
  const result = await waitForExecution(options(clock, build.api, { log }))
  expect(result.end).toBe('ended')
  expect(result.execution?.status).toBe('SUCCESS')
  expect(result.timeline.map((e) => e.status)).toEqual([
    'PREPARING',
    'BUILDING',
    'DISTRIBUTING',
    'RELEASING',
    'SUCCESS'
  ])
  expect(log.at('info')).toHaveLength(5)
  // Noticed within 3 minimum intervals of the change at 10m, with the elapsed time.
  expect(log.at('info')[1]).toMatch(/^\[10m( \d+s)?\] BUILDING$/)
  // Backoff keeps calls modest: half of a fixed 10 s poll (~1 900 calls), though a
  // build may fail in any phase and is polled at least every 2 minimum intervals.
  expect(build.calls()).toBeLessThan(1000)
  // The end comes after RELEASING, the last phase: noticed within one minimum interval.
  const end = Date.UTC(2026, 10, 23, 8) + 10 * 60_000 + 4 * HOUR + 45 * 60_000
  expect(clock.now()).toBeGreaterThanOrEqual(end)
  expect(clock.now() - end).toBeLessThanOrEqual(10_000)
})

test('never sleeps past the deadline; one last poll just before it, in time for its exchange; then timed_out', async () => {
  const clock = new FakeClock()
  const start = clock.now()
  const build = scripted(clock, [['BUILDING', Infinity]])
  const result = await waitForExecution(
    options(clock, build.api, { deadline: start + 25 * 60_000 + 1234 })
  )
  expect(result.end).toBe('timed_out')
  expect(result.execution?.status).toBe('BUILDING')
  expect(clock.now()).toBe(start + 25 * 60_000 + 1234 - FINAL_POLL_MS)
  expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(60_000)
  expect(result.timeline.at(-1)?.durationMs).toBe(clock.now() - start)
})

test('a poll the deadline stopped is a time-out, not a failure', async () => {
  const clock = new FakeClock()
  const deadline = new TransportError(
    { kind: 'deadline', code: DEADLINE, reached: false },
    'no time'
  )
  const build = scripted(clock, [['BUILDING', Infinity]], { 2: toApiError('D', deadline) })
  const result = await waitForExecution(options(clock, build.api))
  expect(result.end).toBe('timed_out')
})

test('the wall clock jumping either way changes no deadline and no time-line duration', async () => {
  for (const jump of [-10 * 60_000, 10 * 60_000, 24 * 3_600_000]) {
    const clock = new FakeClock()
    const start = clock.now()
    const build = scripted(clock, [
      ['BUILDING', 30 * 60_000],
      ['SUCCESS', Infinity]
    ])
    const api = {
      getExecution: async (params: { executionId: string }) => {
        if (build.calls() === 3) clock.jumpWall(jump)
        return build.api.getExecution(params)
      }
    }
    const result = await waitForExecution(options(clock, api, { deadline: start + 3_600_000 }))
    expect(result.end).toBe('ended')
    expect(result.timeline[0].durationMs).toBeGreaterThanOrEqual(30 * 60_000)
    expect(result.timeline[0].durationMs).toBeLessThan(31 * 60_000)
  }
})

test("the service's x-acs-retry-after is honoured by the wait loop too", async () => {
  const clock = new FakeClock()
  const throttled = new ApiError({
    operation: 'D',
    code: 'Throttling.User',
    message: '',
    transient: true,
    throttled: true,
    retryAfterMs: 45_000
  })
  const build = scripted(clock, [['BUILDING', Infinity]], { 1: throttled })
  await waitForExecution(options(clock, build.api, { deadline: clock.now() + 5 * 60_000 }))
  expect(clock.sleeps[0]).toBeGreaterThanOrEqual(45_000)
})

test('transient failures are polls without news; permanent ones end the wait', async () => {
  const clock = new FakeClock()
  const log = new MemoryLog()
  const throttled = new ApiError({
    operation: 'D',
    code: 'Throttling.User',
    message: '',
    transient: true,
    throttled: true
  })
  const unavailable = new ApiError({
    operation: 'D',
    code: 'ServiceUnavailable',
    message: '',
    statusCode: 503,
    transient: true,
    throttled: false
  })
  const build = scripted(
    clock,
    [
      ['BUILDING', 5 * 60_000],
      ['SUCCESS', Infinity]
    ],
    { 2: throttled, 3: throttled, 4: unavailable }
  )
  const result = await waitForExecution(options(clock, build.api, { log }))
  expect(result.end).toBe('ended')
  expect(result.failedPolls).toBe(3)
  // Throttled polls slow down: the sleep after a throttled poll is at least twice the one
  // before it, or, backed off to the maximum, in its upper 30%.
  expect(clock.sleeps[1]).toBeGreaterThanOrEqual(2 * clock.sleeps[0])
  expect(clock.sleeps[2]).toBeGreaterThanOrEqual(Math.min(2 * clock.sleeps[1], 0.7 * 60_000))
  expect(log.at('debug').some((l) => /failed with Throttling.User; retry 1/.test(l))).toBe(true)

  const denied = new ApiError({
    operation: 'D',
    code: 'SignatureDoesNotMatch',
    message: '',
    transient: false,
    throttled: false
  })
  const broken = scripted(clock, [['BUILDING', Infinity]], { 2: denied })
  const stopped = await waitForExecution(options(clock, broken.api))
  expect(stopped.end).toBe('failed')
  expect(stopped.error?.code).toBe('SignatureDoesNotMatch')
  expect(stopped.execution?.status).toBe('BUILDING')
  expect(broken.calls()).toBe(2)
})

test('an execution not yet visible is waited for within the grace period', async () => {
  const clock = new FakeClock()
  const build = scripted(
    clock,
    [
      ['BUILDING', 60_000],
      ['SUCCESS', Infinity]
    ],
    {},
    25_000
  )
  const result = await waitForExecution(options(clock, build.api))
  expect(result.end).toBe('ended')
})

test('an execution still missing after the grace period ends the wait, naming it', async () => {
  const clock = new FakeClock()
  const missing = { getExecution: async () => undefined }
  const result = await waitForExecution(options(clock, missing, { visibilityGraceMs: 60_000 }))
  expect(result.end).toBe('failed')
  expect(result.error?.message).toMatch(/execution exec-1 is not listed/)
  expect(clock.now() - Date.UTC(2026, 10, 23, 8)).toBeGreaterThan(60_000)
})

test('the grace for a not yet visible execution counts from its start, not from the step', async () => {
  const clock = new FakeClock()
  const stepStart = clock.now()
  // if-running: wait took 5 minutes before our start: the grace is still ours.
  clock.advance(5 * 60_000)
  const build = scripted(
    clock,
    [
      ['BUILDING', 60_000],
      ['SUCCESS', Infinity]
    ],
    {},
    30_000
  )
  const result = await waitForExecution(
    options(clock, build.api, { startedAt: stepStart, visibleFrom: clock.now() })
  )
  expect(result.end).toBe('ended')
})

test('an unknown status is running, with one warning', async () => {
  const clock = new FakeClock()
  const log = new MemoryLog()
  const build = scripted(clock, [
    ['VALIDATING', 5 * 60_000],
    ['BUILDING', 60_000],
    ['VALIDATING', 60_000],
    ['SUCCESS', Infinity]
  ])
  const result = await waitForExecution(options(clock, build.api, { log }))
  expect(result.execution?.status).toBe('SUCCESS')
  expect(log.at('warning')).toEqual([expect.stringContaining('"VALIDATING"')])
})

test('an abort ends the wait at once with aborted', async () => {
  const clock = new FakeClock()
  const abort = new AbortController()
  let calls = 0
  const api = {
    getExecution: async ({ executionId }: { executionId: string }): Promise<Execution> => {
      if (++calls === 3) abort.abort()
      return { executionId, status: 'BUILDING', tags: [] }
    }
  }
  const result = await waitForExecution(options(clock, api, { signal: abort.signal }))
  expect(result.end).toBe('aborted')
  expect(calls).toBe(3)
})

test('onPoll sees every poll, so outputs never go stale', async () => {
  const clock = new FakeClock()
  const seen: string[] = []
  const build = scripted(clock, [
    ['PREPARING', 30_000],
    ['BUILDING', 300_000],
    ['TEST_FAILED', Infinity]
  ])
  const result = await waitForExecution(
    options(clock, build.api, { onPoll: (e) => seen.push(e.status) })
  )
  expect(seen).toHaveLength(result.polls)
  expect([...new Set(seen)]).toEqual(['PREPARING', 'BUILDING', 'TEST_FAILED'])
})

test('with history, a long build costs fewer polls and the end is still noticed at once', async () => {
  const phases: Array<[string, number]> = [
    ['PREPARING', 3 * 60_000],
    ['BUILDING', 50 * 60_000],
    ['DISTRIBUTING', 5 * 60_000],
    ['RELEASING', 2 * 60_000],
    ['SUCCESS', Infinity]
  ]
  const plain = new FakeClock()
  const withoutHistory = scripted(plain, phases)
  await waitForExecution(options(plain, withoutHistory.api))
  const informed = new FakeClock()
  const withHistory = scripted(informed, phases)
  await waitForExecution(
    options(informed, withHistory.api, {
      schedule: {
        minMs: 10_000,
        maxMs: 60_000,
        expectedEnd: { fromMs: 55 * 60_000, toMs: 65 * 60_000 }
      }
    })
  )
  // Sparser, not sparse: a build may still fail before its likely end (3× the minimum, not the maximum).
  expect(withHistory.calls()).toBeLessThan(withoutHistory.calls() * 0.8)
  const end = Date.UTC(2026, 10, 23, 8) + 60 * 60_000
  expect(informed.now() - end).toBeLessThanOrEqual(10_000)
})

test('throttling that delays the wait is reported once, as a notice saying by how much', async () => {
  const clock = new FakeClock()
  const log = new MemoryLog()
  const throttled = new ApiError({
    operation: 'D',
    code: 'Throttling.User',
    message: '',
    transient: true,
    throttled: true
  })
  const build = scripted(
    clock,
    [
      ['BUILDING', 10 * 60_000],
      ['SUCCESS', Infinity]
    ],
    { 2: throttled, 3: throttled, 4: throttled }
  )
  const result = await waitForExecution(options(clock, build.api, { log }))
  expect(result.end).toBe('ended')
  const notices = log.at('notice')
  expect(notices).toHaveLength(1)
  expect(notices[0]).toMatch(/throttled 3 of \d+ polls .* slowed this step by about \d+/)
})

test('no throttling, no notice', async () => {
  const clock = new FakeClock()
  const log = new MemoryLog()
  const build = scripted(clock, [
    ['BUILDING', 60_000],
    ['SUCCESS', Infinity]
  ])
  await waitForExecution(options(clock, build.api, { log }))
  expect(log.at('notice')).toEqual([])
})
