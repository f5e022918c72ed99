import { describe, expect, test } from '@jest/globals'
import {
  BACKOFF_HALF_LIFE_MS,
  CEILING_SPREAD,
  expectedEndWindow,
  nextBackoff,
  nextPollDelay,
  type PollState,
  untilDeadline
} from '../../src/wait/schedule.js'

const options = { minMs: 10_000, maxMs: 60_000 }
const randoms = [0, 0.25, 0.5, 0.75, 0.999]

function state(partial: Partial<PollState>): PollState {
  return { unchangedPolls: 0, throttled: false, ...partial }
}

const withHistory = { ...options, expectedEnd: { fromMs: 30 * 60_000, toMs: 40 * 60_000 } }

describe('nextPollDelay invariants', () => {
  const statuses = [undefined, 'PREPARING', 'BUILDING', 'DISTRIBUTING', 'RELEASING', 'VALIDATING']
  test('never below the minimum, never above the maximum', () => {
    for (const status of statuses)
      for (let unchangedPolls = 0; unchangedPolls < 100; unchangedPolls++)
        for (const random of randoms)
          for (const throttled of [false, true]) {
            const delay = nextPollDelay(
              state({ status, unchangedPolls, throttled, previousDelayMs: 37_000 }),
              options,
              () => random
            )
            expect(delay).toBeGreaterThanOrEqual(options.minMs)
            expect(delay).toBeLessThanOrEqual(options.maxMs)
          }
  })

  test('below the maximum, never faster right after a throttled poll, and spread out (decorrelated jitter)', () => {
    for (const previousDelayMs of [10_000, 15_000, 20_000]) {
      const delays = randoms.map((random) =>
        nextPollDelay(
          state({ status: 'BUILDING', throttled: true, previousDelayMs }),
          options,
          () => random
        )
      )
      // The jitter after the clamp may take up to 10% off.
      for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(previousDelayMs * 0.9)
      expect(new Set(delays).size).toBeGreaterThan(2)
    }
  })

  test('backed off to the maximum, runs draw their delays from its upper 30%, not all the same', () => {
    for (const previousDelayMs of [45_000, 55_000, 60_000]) {
      const delays = randoms.map((random) =>
        nextPollDelay(
          state({ status: 'BUILDING', throttled: true, previousDelayMs }),
          options,
          () => random
        )
      )
      for (const delay of delays) {
        expect(delay).toBeGreaterThanOrEqual(options.maxMs * CEILING_SPREAD)
        expect(delay).toBeLessThanOrEqual(options.maxMs)
      }
      // In step at the ceiling, the run right behind another is refused every time: spread them.
      expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThanOrEqual(15_000)
    }
  })

  test('the spread at the maximum never goes below the minimum', () => {
    const narrow = { minMs: 10_000, maxMs: 12_000 }
    for (const random of randoms)
      expect(
        nextPollDelay(
          state({ status: 'BUILDING', throttled: true, previousDelayMs: 12_000 }),
          narrow,
          () => random
        )
      ).toBeGreaterThanOrEqual(10_000)
  })

  test('after throttling, recovery is gradual: the backoff halves with every 10 min of quiet, not every poll', () => {
    const base = state({ status: 'BUILDING', unchangedPolls: 20 })
    // One quick quiet poll barely lowers it.
    expect(nextBackoff({ ...base, backoffMs: 60_000 }, 10_000, options.minMs)).toBeGreaterThan(
      59_000
    )
    let backoffMs: number | undefined = 60_000
    let quietMs = 0
    while (backoffMs && backoffMs > 30_000) {
      const delay = nextPollDelay({ ...base, backoffMs }, options, () => 0.5)
      backoffMs = nextBackoff({ ...base, backoffMs }, delay, options.minMs)
      quietMs += delay
    }
    expect(quietMs).toBeGreaterThanOrEqual(BACKOFF_HALF_LIFE_MS * 0.9)
    expect(quietMs).toBeLessThanOrEqual(BACKOFF_HALF_LIFE_MS * 1.1)
    expect(nextBackoff({ ...base, backoffMs: 12_000 }, 10 * 60_000, options.minMs)).toBeUndefined()
    expect(nextBackoff({ ...base, throttled: true }, 45_000, options.minMs)).toBe(45_000)
  })

  test('jitter after the clamp: runs that start together spread out, at the minimum too', () => {
    for (const status of ['RELEASING', 'BUILDING']) {
      const delays = randoms.map((random) =>
        nextPollDelay(state({ status, unchangedPolls: 20 }), options, () => random)
      )
      expect(new Set(delays).size).toBeGreaterThanOrEqual(3)
    }
  })

  test('grows while nothing changes, up to 2× the minimum (a build may fail from any phase)', () => {
    const delays = [0, 1, 2, 3, 4, 5].map((unchangedPolls) =>
      nextPollDelay(state({ status: 'BUILDING', unchangedPolls }), options, () => 0.5)
    )
    expect(delays).toEqual([10_000, 15_000, 20_000, 20_000, 20_000, 20_000])
  })

  test('RELEASING and CANCELLING, the last phases, are polled at the minimum', () => {
    for (const status of ['RELEASING', 'CANCELLING']) {
      expect(nextPollDelay(state({ status, unchangedPolls: 20 }), options, () => 0.5)).toBe(10_000)
    }
    expect(
      nextPollDelay(state({ status: 'DISTRIBUTING', unchangedPolls: 20 }), options, () => 0.5)
    ).toBe(20_000)
  })

  test('with history: sparser (3× the minimum) before the likely end, a poll landing on its start, then as without history', () => {
    const at = (elapsedMs: number) =>
      nextPollDelay(
        state({ status: 'BUILDING', unchangedPolls: 20, elapsedMs }),
        withHistory,
        () => 0.5
      )
    expect(at(5 * 60_000)).toBe(30_000)
    expect(at(30 * 60_000 - 25_000)).toBe(25_000)
    expect(at(30 * 60_000 - 3_000)).toBe(10_000)
    expect(at(35 * 60_000)).toBe(20_000)
    expect(at(41 * 60_000)).toBe(20_000)
    // Without a status yet (nothing seen), history is not trusted.
    expect(nextPollDelay(state({ unchangedPolls: 20, elapsedMs: 0 }), withHistory, () => 0.5)).toBe(
      20_000
    )
  })

  test('jitter spreads runners apart by up to a fifth, centred on the schedule', () => {
    const low = nextPollDelay(state({ unchangedPolls: 1 }), options, () => 0)
    const mid = nextPollDelay(state({ unchangedPolls: 1 }), options, () => 0.5)
    const high = nextPollDelay(state({ unchangedPolls: 1 }), options, () => 0.999)
    expect([low, mid, high]).toEqual([13_500, 15_000, 16_497])
  })
})

describe('untilDeadline', () => {
  test.each([
    [10_000, 0, 60_000, 10_000],
    [10_000, 55_000, 60_000, 5_000],
    [10_000, 60_000, 60_000, 0],
    [10_000, 70_000, 60_000, 0]
  ])('delay %d at %d with deadline %d sleeps %d', (delay, now, deadline, expected) => {
    expect(untilDeadline(delay, now, deadline)).toBe(expected)
  })
})

describe('expectedEndWindow', () => {
  test.each([
    [[], undefined],
    [[600_000], undefined],
    [[1000, 2000], { fromMs: 900, toMs: 2200 }],
    [[2000, 1000, 1500, Number.NaN, -5], { fromMs: 900, toMs: 2200 }]
  ])('%p gives %p', (durations, window) => {
    expect(expectedEndWindow(durations)).toEqual(window)
  })
})

test('the last phases are not held back by an earlier backoff: the end is where calls pay', () => {
  const backoffMs = 60_000
  expect(nextPollDelay(state({ status: 'RELEASING', backoffMs }), options, () => 0.5)).toBe(10_000)
  expect(
    nextPollDelay(state({ status: 'BUILDING', unchangedPolls: 5, backoffMs }), options, () => 0.5)
  ).toBe(60_000)
})

test('in the last phases a throttled poll is retried just over the minimum (a fifth, and the jitter)', () => {
  for (const random of randoms) {
    const delay = nextPollDelay(
      state({ status: 'RELEASING', throttled: true, previousDelayMs: 40_000 }),
      options,
      () => random
    )
    expect(delay).toBeGreaterThanOrEqual(options.minMs)
    expect(delay).toBeLessThanOrEqual(1.2 * 1.1 * options.minMs)
  }
})
