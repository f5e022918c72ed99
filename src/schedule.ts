import { isLatePhase } from './status.js'

/**
 * The polling schedule, pure. Exponential growth from `minMs` toward `maxMs`
 * while nothing changes; back to the minimum on a status change (a new phase may
 * be short); a slower cap in the late phases (DISTRIBUTING, RELEASING), where the
 * end is near; never faster right after a throttled poll; jitter so that many
 * runners started together do not poll in lockstep.
 */
export interface ScheduleOptions {
  minMs: number
  maxMs: number
  /** Growth factor per unchanged poll. */
  factor?: number
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
}

export const DEFAULT_FACTOR = 1.5
const JITTER = 0.2

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
  // In a late phase the end is near: keep polling densely (at most 2× the minimum).
  const ceiling = state.status && isLatePhase(state.status) ? Math.min(maxMs, minMs * 2) : maxMs
  const grown = minMs * factor ** Math.min(state.unchangedPolls, 60)
  const jittered = grown * (1 - JITTER * random())
  return clamp(jittered, minMs, ceiling)
}

/** Never sleep past the deadline: the last poll happens right at it. */
export function untilDeadline(delayMs: number, nowMs: number, deadlineMs: number): number {
  return Math.max(0, Math.min(delayMs, deadlineMs - nowMs))
}

function clamp(value: number, low: number, high: number): number {
  return Math.round(Math.min(high, Math.max(low, value)))
}
