import type { Clock } from '../clock.js'
import type { Log } from '../log.js'
import { ApiError, toApiError } from './errors.js'
import { withinDeadline } from './exchange.js'

/**
 * Our retry policy. The openapi-client's own retry options do nothing useful
 * (its loop only retries its internal RetryError), so every call goes through
 * here: transient failures (throttling, 5xx, resets, time-outs, unparsable
 * bodies) are retried with exponential backoff and jitter until the deadline
 * or the attempt cap; anything else (a 4xx such as a wrong secret) fails at
 * once. Each attempt's exchange ends by the deadline (exchange.ts).
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
  /** Once aborted, no retry: the last error is thrown. */
  signal?: AbortSignal
  /** Cuts a wait between attempts short, without stopping the retries (see `giveUp`). */
  wake?: AbortSignal
  /** Asked after each failure, with every failure so far: true stops the retries. */
  giveUp?: (failures: ApiError[]) => boolean
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
  const failures: ApiError[] = []
  const began = clock.now()
  for (let attempt = 0; ; attempt++) {
    try {
      return await withinDeadline(deadline, call, signal)
    } catch (thrown) {
      const error: ApiError = toApiError(operation, thrown, resource)
      failures.push(error)
      if (!error.transient)
        throw failures.length > 1 ? summarize(error, failures, clock.now() - began) : error
      // Throttling asks us to slow down more than a lost connection does.
      const delay = backoffDelay(error.throttled ? attempt + 1 : attempt, base, max, random)
      const stop =
        attempt + 1 >= maxAttempts ||
        clock.now() + delay > deadline ||
        signal?.aborted ||
        options.giveUp?.(failures)
      if (stop) {
        log.debug(`${operation}: giving up after ${attempt + 1} attempt(s): ${error.code}`)
        throw failures.length > 1 ? summarize(error, failures, clock.now() - began) : error
      }
      log.debug(
        `${operation}: attempt ${attempt + 1} failed with ${error.code}` +
          `${error.statusCode ? ` (HTTP ${error.statusCode})` : ''}; retry ${attempt + 1} in ${delay} ms`
      )
      await clock.sleep(delay, options.wake ?? signal)
      if (options.giveUp?.(failures)) throw summarize(error, failures, clock.now() - began)
    }
  }
}

/** The last error, saying how many attempts were made over how long, and what failed. */
function summarize(last: ApiError, failures: ApiError[], spentMs: number): ApiError {
  const counts = new Map<string, number>()
  for (const failure of failures) counts.set(failure.code, (counts.get(failure.code) ?? 0) + 1)
  const what = [...counts].map(([code, n]) => `${n}× ${code}`).join(', ')
  return new ApiError({
    operation: last.operation,
    code: last.code,
    message: `${last.apiMessage} (${failures.length} attempts over ${Math.round(spentMs / 1000)}s: ${what})`,
    requestId: last.requestId,
    statusCode: last.statusCode,
    resource: last.resource,
    recommend: last.recommend,
    accessDeniedDetail: last.accessDeniedDetail,
    transient: last.transient,
    throttled: last.throttled
  })
}
