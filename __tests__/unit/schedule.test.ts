import { describe, expect, test } from '@jest/globals'
import {
  expectedEndWindow,
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

  test('never faster right after a throttled poll', () => {
    for (const previousDelayMs of [10_000, 15_000, 25_000, 40_000, 60_000])
      for (const random of randoms) {
        const delay = nextPollDelay(
          state({ status: 'BUILDING', throttled: true, previousDelayMs }),
          options,
          () => random
        )
        expect(delay).toBeGreaterThanOrEqual(Math.min(previousDelayMs * 2, options.maxMs))
      }
  })

  test('grows while nothing changes, up to 3× the minimum, and starts over on a change', () => {
    const delays = [0, 1, 2, 3, 4, 5].map((unchangedPolls) =>
      nextPollDelay(state({ status: 'BUILDING', unchangedPolls }), options, () => 0)
    )
    expect(delays).toEqual([10_000, 15_000, 22_500, 30_000, 30_000, 30_000])
  })

  test('RELEASING and CANCELLING, the last phases, are polled at the minimum', () => {
    for (const status of ['RELEASING', 'CANCELLING']) {
      expect(nextPollDelay(state({ status, unchangedPolls: 20 }), options, () => 0)).toBe(10_000)
    }
    expect(
      nextPollDelay(state({ status: 'DISTRIBUTING', unchangedPolls: 20 }), options, () => 0)
    ).toBe(30_000)
  })

  test('with history: sparse before the likely end, a poll landing on its start, then as without history', () => {
    const at = (elapsedMs: number) =>
      nextPollDelay(
        state({ status: 'BUILDING', unchangedPolls: 20, elapsedMs }),
        withHistory,
        () => 0
      )
    expect(at(5 * 60_000)).toBe(60_000)
    expect(at(30 * 60_000 - 25_000)).toBe(25_000)
    expect(at(30 * 60_000 - 3_000)).toBe(10_000)
    expect(at(35 * 60_000)).toBe(30_000)
    expect(at(41 * 60_000)).toBe(30_000)
    // Without a status yet (nothing seen), history is not trusted.
    expect(nextPollDelay(state({ unchangedPolls: 20, elapsedMs: 0 }), withHistory, () => 0)).toBe(
      30_000
    )
  })

  test('jitter spreads runners apart by up to a fifth', () => {
    const high = nextPollDelay(state({ unchangedPolls: 3 }), options, () => 0)
    const low = nextPollDelay(state({ unchangedPolls: 3 }), options, () => 0.999)
    expect(low).toBeLessThan(high)
    expect(low).toBeGreaterThanOrEqual(Math.round(high * 0.8) - 1)
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
