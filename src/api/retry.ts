import type { Clock } from '../clock.js'
import type { Log } from '../log.js'
import { ApiError, toApiError } from './errors.js'

/**
 * Our retry policy. The openapi-client's own retry options do nothing useful
 * (its loop only retries its internal RetryError), so every call goes through
 * here: transient failures (throttling, 5xx, resets, time-outs, unparsable
 * bodies) are retried with exponential backoff and full jitter until the
 * deadline; anything else (a 4xx such as a wrong secret) fails at once.
 */
export interface RetryOptions {
  clock: Clock
  log: Log
  /** Epoch ms after which no new attempt starts. */
  deadline: number
  /** First backoff step; doubles each attempt. */
  baseDelayMs?: number
  maxDelayMs?: number
  /** Hard cap on attempts, on top of the deadline. */
  maxAttempts?: number
  signal?: AbortSignal
  random?: () => number
}

export const DEFAULT_RETRY_BASE_MS = 1000
export const DEFAULT_RETRY_MAX_MS = 20_000

/** Backoff for attempt n (0-based): equal jitter, in [cap/2, cap] with cap = base·2ⁿ ≤ max. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number
): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.round(cap / 2 + (cap / 2) * random())
}

export async function withRetry<T>(
  operation: string,
  call: () => Promise<T>,
  options: RetryOptions,
  resource?: string
): Promise<T> {
  const { clock, log, deadline, signal } = options
  const base = options.baseDelayMs ?? DEFAULT_RETRY_BASE_MS
  const max = options.maxDelayMs ?? DEFAULT_RETRY_MAX_MS
  const random = options.random ?? Math.random
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY
  for (let attempt = 0; ; attempt++) {
    try {
      return await call()
    } catch (thrown) {
      const error: ApiError = toApiError(operation, thrown, resource)
      if (!error.transient) throw error
      // Throttling asks us to slow down more than a lost connection does.
      const delay = backoffDelay(error.throttled ? attempt + 1 : attempt, base, max, random)
      const attemptsLeft = attempt + 1 < maxAttempts
      if (!attemptsLeft || clock.now() + delay > deadline || signal?.aborted) {
        log.debug(`${operation}: giving up after ${attempt + 1} attempt(s): ${error.code}`)
        throw error
      }
      log.debug(
        `${operation}: attempt ${attempt + 1} failed with ${error.code}` +
          `${error.statusCode ? ` (HTTP ${error.statusCode})` : ''}; retry ${attempt + 1} in ${delay} ms`
      )
      await clock.sleep(delay, signal)
    }
  }
}
