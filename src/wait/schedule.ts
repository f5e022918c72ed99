/**
 * The polling schedule, pure. Two costs pull against each other: the seconds
 * between the end of a build and the step noticing it, and API calls, which draw
 * on a quota the whole account shares (the console, Terraform, and a fleet of
 * runners polling at once). What we know about image builds:
 *
 * - A build may end from any running phase: the API reference does not say
 *   that every build passes through RELEASING, so no phase is polled more
 *   sparsely than twice the minimum, and RELEASING (the usual last phase) and
 *   CANCELLING at the minimum.
 * - When this pipeline's recent successful builds say when the end is likely
 *   (`expectedEnd`), poll more sparsely (up to SPARSE_CEILING minimums) before
 *   that window and land a poll on its start; from there on, as without history.
 * - Throttling means the shared quota is spent: back off with decorrelated
 *   jitter (the AWS architecture blog's "Exponential Backoff And Jitter"),
 *   never faster than before below the maximum, and recover gradually
 *   (`backoffMs` halves with every BACKOFF_HALF_LIFE_MS without throttling,
 *   however often the run polls), so runs share the quota instead of retrying
 *   in step. At the maximum, where backed-off runs pile up, a delay is drawn
 *   anywhere in its upper part (CEILING_SPREAD): runs that wait the same length
 *   in step keep landing right behind each other, and the one behind is
 *   refused every time. In the last phases, where the end comes and a call
 *   pays, a throttled poll is retried within a fifth over the minimum, and no
 *   earlier backoff holds it.
 * - Jitter on every delay, after the clamp, so runs started together spread out
 *   and stay spread; never below the minimum, never above the maximum.
 */
import { decorrelatedJitter } from '../api/backoff.js'

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
  /** What throttling taught: no delay shorter than this; halves with every BACKOFF_HALF_LIFE_MS of quiet. */
  backoffMs?: number
  /** The service asked for no next try sooner than this (x-acs-retry-after). */
  retryAfterMs?: number
}

const DEFAULT_FACTOR = 1.5
/** In running phases other than the last, at most this many minimum intervals apart. */
const PHASE_CEILING = 2
/** Before the likely end (from history), at most this many minimum intervals apart. */
const SPARSE_CEILING = 3
/** Jitter: a delay moves by up to half this share of it, either way. */
const JITTER = 0.2
/** After throttling, the backoff halves with every this much time without throttling. */
export const BACKOFF_HALF_LIFE_MS = 10 * 60_000
/** Backed off to the maximum, a delay is drawn between this share of it and all of it. */
export const CEILING_SPREAD = 0.7
/** In the last phases, a throttled poll is retried between the minimum and this much over it. */
const CLOSING_RETRY_SPREAD = 0.2

/** The usual last phases: the end follows them. */
function isFinalPhase(status: string | undefined): boolean {
  return status === 'RELEASING' || status === 'CANCELLING'
}

export function nextPollDelay(
  state: PollState,
  options: ScheduleOptions,
  random: () => number
): number {
  const { minMs, maxMs } = options
  let delay = scheduledDelay(state, options)
  if (state.throttled && isFinalPhase(state.status)) {
    // Where the end comes, a throttled poll is retried soon: just over the minimum.
    delay = minMs * (1 + CLOSING_RETRY_SPREAD * random())
  } else if (state.throttled) {
    // Decorrelated jitter: between the last delay (never faster) and three times it.
    delay = Math.max(delay, decorrelatedJitter(state.previousDelayMs, 2 * minMs, random))
    if (delay >= maxMs * CEILING_SPREAD) return spreadBelow(options, random)
  } else if (state.backoffMs && !isFinalPhase(state.status)) {
    // Spend the shared quota where the end can come: the last phases are not held back.
    delay = Math.max(delay, state.backoffMs)
  }
  return jitter(clamp(delay, minMs, maxMs), options, random)
}

/**
 * What throttling leaves behind after a poll: the delay it forced, decaying by
 * half with every BACKOFF_HALF_LIFE_MS of quiet (`delayMs`, the wait before the
 * next poll, counts as quiet). Time, not polls: quotas are counted per second.
 */
export function nextBackoff(state: PollState, delayMs: number, minMs: number): number | undefined {
  if (state.throttled) return delayMs
  const decayed = (state.backoffMs ?? 0) * 0.5 ** (delayMs / BACKOFF_HALF_LIFE_MS)
  return decayed > minMs ? Math.round(decayed) : undefined
}

/** The schedule alone: phase, history, growth; no throttling, no jitter. */
export function scheduledDelay(state: PollState, options: ScheduleOptions): number {
  const { minMs, maxMs } = options
  if (isFinalPhase(state.status)) return minMs
  const factor = options.factor ?? DEFAULT_FACTOR
  let ceiling = Math.min(maxMs, minMs * PHASE_CEILING)
  let landing = Number.POSITIVE_INFINITY
  const window = options.expectedEnd
  if (
    window &&
    state.elapsedMs !== undefined &&
    state.status !== undefined &&
    state.elapsedMs < window.fromMs
  ) {
    // Long before the likely end: sparser polling, with a poll landing right on the
    // window. Not up to the maximum: a build may still fail before it.
    ceiling = Math.min(maxMs, minMs * SPARSE_CEILING)
    landing = window.fromMs - state.elapsedMs
  }
  const grown = minMs * factor ** Math.min(state.unchangedPolls, 60)
  return clamp(Math.min(grown, Math.max(landing, minMs)), minMs, ceiling)
}

/** Anywhere between CEILING_SPREAD of the maximum (never below the minimum) and all of it. */
function spreadBelow({ minMs, maxMs }: ScheduleOptions, random: () => number): number {
  const low = Math.max(minMs, maxMs * CEILING_SPREAD)
  return Math.round(low + (maxMs - low) * random())
}

/**
 * Up to JITTER/2 of the delay either way, so the mean stays the schedule's; a
 * delay that would leave [minimum, maximum] is reflected back into it.
 */
function jitter(delay: number, { minMs, maxMs }: ScheduleOptions, random: () => number): number {
  const offset = delay * JITTER * (random() - 0.5)
  const jittered = delay + offset
  if (jittered < minMs) return Math.round(Math.min(maxMs, delay + Math.abs(offset)))
  if (jittered > maxMs) return Math.round(Math.max(minMs, delay - Math.abs(offset)))
  return Math.round(jittered)
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
