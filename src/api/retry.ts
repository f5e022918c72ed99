/**
 * The retry policy, the one path by which a failed call is tried again.
 * Transient failures (throttling, 5xx, resets, time-outs, answers that are not
 * the service's) are retried until the deadline: equal jitter after a failure,
 * decorrelated jitter after throttling (the account's quota is shared, so runs
 * spread out), never sooner than the service's `x-acs-retry-after`. Failures
 * that may have been processed count toward `maxFailures`; throttling never
 * does: a throttled request was not processed. A failure that retrying alone
 * cannot fix may still be mended by a recovery hook (renewed credentials, a
 * fresh ID token), each once per call; anything else fails at once. Every
 * attempt's exchanges are bounded by the deadline and the run's cancellation
 * (net/exchange.ts).
 */
import type { Clock } from '../clock.js'
import type { Log } from '../log.js'
import { currentScope, MIN_EXCHANGE_MS, withinScope } from '../net/exchange.js'
import { decorrelatedJitter, equalJitter } from './backoff.js'
import { ApiError, toApiError } from './errors.js'
import { DEADLINE } from '../net/errors.js'

/** Mends what made `error` final, if it can; true when one more attempt is worth making at once. */
type RecoveryHook = (error: ApiError) => boolean | Promise<boolean>

export interface RetryOptions {
  clock: Clock
  log: Log
  /** On `clock`: no attempt starts after it, and no exchange runs past it. */
  deadline: number
  /** First backoff step; doubles each attempt. */
  baseDelayMs?: number
  maxDelayMs?: number
  /** After throttling: never sooner than this (default: twice the base), never later than this cap (default: maxDelayMs). */
  throttleFloorMs?: number
  throttleCapMs?: number
  /** Stop after this many failures that may have been processed (never counting throttling). */
  maxFailures?: number
  /** Stop after this many attempts, whatever failed (1: no retry; the wait loop retries at its next poll). */
  maxAttempts?: number
  /** Once aborted: exchanges end, and no retry follows. */
  signal?: AbortSignal
  /** Cuts a wait between attempts short, without stopping the retries (see `giveUp`). */
  wake?: AbortSignal
  /** Asked after each failure, with every failure so far: true stops the retries. */
  giveUp?: (failures: ApiError[]) => boolean
  recover?: readonly RecoveryHook[]
  random?: () => number
}

const DEFAULT_RETRY_BASE_MS = 1000
const DEFAULT_RETRY_MAX_MS = 20_000

export async function withRetry<T>(
  operation: string,
  call: () => Promise<T>,
  options: RetryOptions,
  resource?: string
): Promise<T> {
  const outer = currentScope()
  // Inside another call's scope (credentials renewed for a poll): never past its deadline.
  const bounded = outer
    ? {
        ...options,
        deadline: Math.min(options.deadline, outer.deadline),
        signal: options.signal ?? outer.signal
      }
    : options
  const { clock, deadline, signal } = bounded
  const attempts = new Attempts(operation, bounded)
  for (;;) {
    try {
      return await withinScope({ clock, deadline, signal }, call)
    } catch (thrown) {
      const error = toApiError(operation, thrown, resource)
      const next = await attempts.after(error)
      if (next === undefined) throw attempts.failure(error)
      if (next > 0) await clock.sleep(next, options.wake ?? signal)
      if (options.giveUp?.(attempts.failures)) throw attempts.failure(error)
    }
  }
}

/** The failures of one call so far, and what each one calls for. */
class Attempts {
  readonly failures: ApiError[] = []
  private readonly began: number
  private readonly used = new Set<RecoveryHook>()
  private counted = 0
  private previousThrottleMs?: number

  constructor(
    private readonly operation: string,
    private readonly options: RetryOptions
  ) {
    this.began = options.clock.now()
  }

  /** How long to wait before the next attempt (0: at once), or undefined to stop. */
  async after(error: ApiError): Promise<number | undefined> {
    const { clock, deadline, signal, log } = this.options
    this.failures.push(error)
    if (!error.transient) return (await this.recovered(error)) ? 0 : undefined
    if (!error.throttled) this.counted++
    const delay = this.delay(error)
    const stop =
      this.counted >= (this.options.maxFailures ?? Number.POSITIVE_INFINITY) ||
      this.failures.length >= (this.options.maxAttempts ?? Number.POSITIVE_INFINITY) ||
      // No attempt that the exchange would refuse to send for want of time.
      clock.now() + delay > deadline - MIN_EXCHANGE_MS ||
      signal?.aborted ||
      this.options.giveUp?.(this.failures)
    if (stop) {
      log.debug(
        `${this.operation}: giving up after ${this.failures.length} attempt(s): ${error.code}`
      )
      return undefined
    }
    log.debug(
      `${this.operation}: attempt ${this.failures.length} failed with ${error.code}` +
        `${error.statusCode ? ` (HTTP ${error.statusCode})` : ''}; retry in ${delay} ms`
    )
    return delay
  }

  /** The error to throw: the last one, saying how many attempts were made over how long. */
  failure(error: ApiError): ApiError {
    // An attempt the deadline stopped says nothing of the service: the one before says why.
    const last = error.code === DEADLINE && this.failures.length > 1 ? this.failures.at(-2)! : error
    if (this.failures.length < 2) return last
    const counts = new Map<string, number>()
    for (const failure of this.failures)
      counts.set(failure.code, (counts.get(failure.code) ?? 0) + 1)
    const what = [...counts].map(([code, n]) => `${n}× ${code}`).join(', ')
    const spent = Math.round((this.options.clock.now() - this.began) / 1000)
    return last.with({
      message: `${last.apiMessage} (${this.failures.length} attempts over ${spent}s: ${what})`,
      reached: this.failures.some((failure) => failure.reached)
    })
  }

  private delay(error: ApiError): number {
    const random = this.options.random ?? Math.random
    const base = this.options.baseDelayMs ?? DEFAULT_RETRY_BASE_MS
    const max = this.options.maxDelayMs ?? DEFAULT_RETRY_MAX_MS
    let delay: number
    if (error.throttled) {
      const floor = this.options.throttleFloorMs ?? 2 * base
      const cap = Math.max(floor, this.options.throttleCapMs ?? max)
      delay = Math.min(cap, decorrelatedJitter(this.previousThrottleMs, floor, random))
      this.previousThrottleMs = delay
    } else delay = equalJitter(this.counted - 1, base, max, random)
    return Math.max(delay, error.retryAfterMs ?? 0)
  }

  private async recovered(error: ApiError): Promise<boolean> {
    for (const hook of this.options.recover ?? []) {
      if (this.used.has(hook)) continue
      if (await hook(error)) {
        this.used.add(hook)
        return true
      }
    }
    return false
  }
}
