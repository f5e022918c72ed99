import { describe, expect, test } from '@jest/globals'
import {
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

  test('never faster right after a throttled poll, and spread out (decorrelated jitter)', () => {
    for (const previousDelayMs of [10_000, 15_000, 25_000, 40_000, 60_000]) {
      const delays = randoms.map((random) =>
        nextPollDelay(
          state({ status: 'BUILDING', throttled: true, previousDelayMs }),
          options,
          () => random
        )
      )
      // The jitter after the clamp may take up to 10% off.
      for (const delay of delays)
        expect(delay).toBeGreaterThanOrEqual(Math.min(previousDelayMs, options.maxMs) * 0.9)
      if (previousDelayMs < 30_000) expect(new Set(delays).size).toBeGreaterThan(2)
    }
  })

  test('after throttling, recovery is gradual: the backoff halves each quiet poll', () => {
    const base = state({ status: 'BUILDING', unchangedPolls: 20 })
    let backoffMs: number | undefined = 60_000
    const delays: number[] = []
    for (let poll = 0; poll < 4; poll++) {
      delays.push(nextPollDelay({ ...base, backoffMs }, options, () => 0.5))
      backoffMs = nextBackoff({ ...base, backoffMs }, delays[poll], options.minMs)
    }
    expect(delays).toEqual([60_000, 30_000, 20_000, 20_000])
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

test('in the last phases a throttled poll is retried within one to two minimums', () => {
  for (const random of randoms) {
    const delay = nextPollDelay(
      state({ status: 'RELEASING', throttled: true, previousDelayMs: 40_000 }),
      options,
      () => random
    )
    expect(delay).toBeGreaterThanOrEqual(options.minMs)
    expect(delay).toBeLessThanOrEqual(2.2 * options.minMs)
  }
})
