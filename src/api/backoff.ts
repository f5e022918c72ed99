/**
 * The two jitter algorithms every delay in the action comes from (the AWS
 * architecture blog's "Exponential Backoff And Jitter"): the retry helper and
 * the wait loop's schedule share them.
 */

/** Equal jitter for attempt n (0-based): in [cap/2, cap], cap = base·2ⁿ ≤ max. After a failure. */
export function equalJitter(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number
): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.round(cap / 2 + (cap / 2) * random())
}

/**
 * Decorrelated jitter: between the previous delay (never faster; at least
 * `floorMs`) and three times it. After throttling: the quota is the account's,
 * so runs that share it spread out instead of retrying in step.
 */
export function decorrelatedJitter(
  previousMs: number | undefined,
  floorMs: number,
  random: () => number
): number {
  const previous = Math.max(previousMs ?? floorMs, floorMs)
  return Math.round(previous + 2 * previous * random())
}
