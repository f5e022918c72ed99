/**
 * The polling schedule, pure. Two costs pull against each other: the minutes
 * between the end of a build and the step noticing it, and API calls, which draw
 * on a quota the whole account shares. What we know about image builds:
 *
 * - Every build ends through RELEASING (temporary resources are released after a
 *   success and after a failure alike), and RELEASING takes a minute or more. So:
 *   poll at the minimum in RELEASING, and elsewhere grow no slower than what
 *   still catches the start of RELEASING before the end (3× the minimum).
 * - When this pipeline's recent successful builds say when the end is likely
 *   (`expectedEnd`), poll sparsely (up to the maximum) before that window and
 *   land a poll on its start; from there on, as without history.
 * - Never faster right after a throttled poll; never below the minimum, never
 *   above the maximum; jitter so that runners started together spread out.
 */
export interface ScheduleOptions {
  minMs: number
  maxMs: number
  /** Growth factor per unchanged poll. */
  factor?: number
  /** Where, in ms since the execution started, its end is likely (from history). */
  expectedEnd?: { fromMs: number; toMs: number }
}

export interface PollState {
  /** Last status seen, if any. */
  status?: string
  /** Polls made since the status last changed (0 right after a change). */
  unchangedPolls: number
  /** The delay used before the poll that just finished. */
  previousDelayMs?: number
  /** The poll that just finished was throttled. */
  throttled: boolean
  /** Ms since the execution started. */
  elapsedMs?: number
}

export const DEFAULT_FACTOR = 1.5
/** In running phases other than the last, at most this many minimum intervals apart. */
export const PHASE_CEILING = 3
const JITTER = 0.2

/** The last phase of every build: the end follows it. */
export function isFinalPhase(status: string | undefined): boolean {
  return status === 'RELEASING' || status === 'CANCELLING'
}

export function nextPollDelay(
  state: PollState,
  options: ScheduleOptions,
  random: () => number
): number {
  const { minMs, maxMs } = options
  const factor = options.factor ?? DEFAULT_FACTOR
  if (state.throttled) {
    // Slow down: at least double what we did, and never less than before.
    const previous = state.previousDelayMs ?? minMs
    return clamp(Math.max(previous * 2, minMs * 2), minMs, maxMs)
  }
  if (isFinalPhase(state.status)) return minMs

  let ceiling = Math.min(maxMs, minMs * PHASE_CEILING)
  let landing = Number.POSITIVE_INFINITY
  const window = options.expectedEnd
  if (
    window &&
    state.elapsedMs !== undefined &&
    state.status !== undefined &&
    state.elapsedMs < window.fromMs
  ) {
    // Long before the likely end: sparse polling, with a poll landing right on the window.
    ceiling = maxMs
    landing = window.fromMs - state.elapsedMs
  }
  const grown = minMs * factor ** Math.min(state.unchangedPolls, 60)
  const jittered = grown * (1 - JITTER * random())
  return clamp(Math.min(jittered, Math.max(landing, minMs)), minMs, ceiling)
}

/** Never sleep past the deadline: the last poll happens right at it. */
export function untilDeadline(delayMs: number, nowMs: number, deadlineMs: number): number {
  return Math.max(0, Math.min(delayMs, deadlineMs - nowMs))
}

/**
 * The window in which a build of this pipeline is likely to end, from the
 * durations of its recent successful builds: from a little before the quickest
 * to a little after the slowest. None with fewer than two samples.
 */
export function expectedEndWindow(
  durationsMs: number[]
): { fromMs: number; toMs: number } | undefined {
  const usable = durationsMs.filter((d) => Number.isFinite(d) && d > 0)
  if (usable.length < 2) return undefined
  return { fromMs: Math.min(...usable) * 0.9, toMs: Math.max(...usable) * 1.1 }
}

function clamp(value: number, low: number, high: number): number {
  return Math.round(Math.min(high, Math.max(low, value)))
}
