/**
 * The wait loop. It receives its client, clock and log, so tests drive hours of
 * polling with a fake clock. It never throws for a transient failure (a poll that
 * hit throttling or a 5xx is just a poll without news), never sleeps past the
 * deadline, and returns 'timed_out' or 'aborted' instead of throwing.
 */
import type { Clock } from '../clock.js'
import type { Log } from '../log.js'
import { formatDuration } from '../inputs/duration.js'
import type { EcsClient, Execution } from '../ecs/client.js'
import { ApiError, toApiError } from '../api/errors.js'
import { DEADLINE } from '../net/errors.js'
import { MIN_EXCHANGE_MS } from '../net/exchange.js'
import {
  nextBackoff,
  nextPollDelay,
  type PollState,
  scheduledDelay,
  type ScheduleOptions,
  untilDeadline
} from './schedule.js'
import { isKnown, isTerminal } from '../ecs/status.js'

export interface TimelineEntry {
  status: string
  /** When this status was first seen, by the wall clock (for people to read). */
  since: number
  /** How long it lasted: until the next status was first seen, or the wait ended. */
  durationMs: number
}

export interface WaitOptions {
  api: Pick<EcsClient, 'getExecution'>
  executionId: string
  clock: Clock
  log: Log
  /** On the monotonic clock: the wait ends here; its last poll comes just before. */
  deadline: number
  /** On the monotonic clock: when the step began; elapsed times count from it. */
  startedAt: number
  /** On the monotonic clock: since when the execution should be listed (this step's start answered, or the wait began). */
  visibleFrom: number
  schedule: ScheduleOptions
  signal?: AbortSignal
  random?: () => number
  /** How long an execution may stay invisible after its start before it counts as missing. */
  visibilityGraceMs?: number
  /** Called on every poll that sees the execution (the caller refreshes its outputs). */
  onPoll?: (execution: Execution) => void
}

/**
 * How a wait ended: the execution ended, the deadline came, the run was
 * cancelled, or a poll failed in a way retrying cannot fix (`error` says how).
 */
export type WaitEnd = 'ended' | 'timed_out' | 'aborted' | 'failed'

export interface WaitResult {
  end: WaitEnd
  /** Why polling failed, when `end` is 'failed'. */
  error?: ApiError
  execution?: Execution
  timeline: TimelineEntry[]
  polls: number
  failedPolls: number
  /** Polls the API refused for the rate quota, and how much longer waiting them out made the wait. */
  throttledPolls: number
  throttleDelayMs: number
}

const DEFAULT_VISIBILITY_GRACE_MS = 60_000
/** The last poll comes this long before the deadline, so that its exchange is sent, and ends, within it. */
export const FINAL_POLL_MS = MIN_EXCHANGE_MS + 500
const OPERATION = 'DescribeImagePipelineExecutions'

export async function waitForExecution(options: WaitOptions): Promise<WaitResult> {
  const { clock, log, signal } = options
  const lastPoll = options.deadline - FINAL_POLL_MS
  const random = options.random ?? Math.random
  const wait = new Wait(options)
  for (;;) {
    if (signal?.aborted) return wait.finish('aborted')
    const polled = await wait.poll()
    if (polled === true) return wait.finish('ended')
    // A poll that a cancelled run or the deadline cut short says nothing of the build.
    if (signal?.aborted) return wait.finish('aborted')
    if (polled instanceof ApiError)
      return polled.code === DEADLINE ? wait.finish('timed_out') : wait.finish('failed', polled)
    const now = clock.now()
    if (now >= lastPoll) return wait.finish('timed_out')
    const pollState = wait.pollState
    // Never sooner than the service asked (x-acs-retry-after).
    const scheduled = Math.max(
      nextPollDelay(pollState, options.schedule, random),
      pollState.retryAfterMs ?? 0
    )
    const delay = untilDeadline(scheduled, now, lastPoll)
    wait.slowedBy(delay)
    pollState.previousDelayMs = delay
    pollState.backoffMs = nextBackoff(pollState, delay, options.schedule.minMs)
    log.debug(
      `next poll in ${(delay / 1000).toFixed(1)}s${pollState.throttled ? ' (slowed down after throttling)' : ''}`
    )
    await clock.sleep(delay, signal)
  }
}

/** What one wait has seen so far. */
class Wait {
  readonly pollState: PollState = { unchangedPolls: 0, throttled: false }
  private readonly timeline: TimelineEntry[] = []
  private readonly warned = new Set<string>()
  private readonly grace: number
  private last?: Execution
  /** When the current timeline entry began, on the monotonic clock. */
  private entryStartedAt = 0
  private polls = 0
  private failedPolls = 0
  private throttledPolls = 0
  /** How much longer than the schedule alone the waits after throttling were. */
  private throttleDelayMs = 0

  constructor(private readonly options: WaitOptions) {
    this.grace = options.visibilityGraceMs ?? DEFAULT_VISIBILITY_GRACE_MS
  }

  /** One poll: true when the execution has ended; the error when retrying cannot fix it. */
  async poll(): Promise<boolean | ApiError> {
    const { api, executionId } = this.options
    this.pollState.throttled = false
    this.pollState.retryAfterMs = undefined
    this.polls++
    try {
      const execution = await api.getExecution({ executionId })
      if (!execution) {
        this.notVisible()
        return false
      }
      this.seen(execution)
      return isTerminal(execution.status)
    } catch (thrown) {
      const error = toApiError(OPERATION, thrown, `execution ${executionId}`)
      if (!error.transient) return error
      this.failedPolls++
      this.pollState.throttled = error.throttled
      this.pollState.retryAfterMs = error.retryAfterMs
      if (error.throttled) this.throttledPolls++
      this.options.log.debug(
        `poll ${this.polls} failed with ${error.code}${error.statusCode ? ` (HTTP ${error.statusCode})` : ''}; retry ${this.failedPolls} at the next poll`
      )
      return false
    }
  }

  /** Counts what throttling (and its slow recovery) added to a delay. */
  slowedBy(delayMs: number): void {
    if (!this.pollState.throttled && !this.pollState.backoffMs) return
    const normal = scheduledDelay(this.pollState, this.options.schedule)
    this.throttleDelayMs += Math.max(0, delayMs - normal)
  }

  finish(end: WaitEnd, error?: ApiError): WaitResult {
    const at = this.options.clock.now()
    if (this.throttledPolls)
      this.options.log.notice(
        `The API throttled ${this.throttledPolls} of ${this.polls} polls (the account's rate quota is shared with other runs, the console and other tools); waiting it out slowed this step by about ${formatDuration(this.throttleDelayMs)}.`
      )
    this.closeEntry(at)
    this.options.log.debug(`wait ${end} after ${this.polls} poll(s), ${this.failedPolls} retried`)
    return {
      end,
      error,
      execution: this.last,
      timeline: this.timeline,
      polls: this.polls,
      failedPolls: this.failedPolls,
      throttledPolls: this.throttledPolls,
      throttleDelayMs: this.throttleDelayMs
    }
  }

  /** Right after a start the execution may not be listed yet: a normal, short-lived state (docs/api-notes.md). */
  private notVisible(): void {
    const { clock, executionId, visibleFrom, log } = this.options
    const waited = clock.now() - visibleFrom
    if (waited > this.grace) {
      throw new ApiError({
        operation: OPERATION,
        code: 'InvalidExecution.NotFound',
        message: `execution ${executionId} is not listed ${formatDuration(waited)} after the wait began; check execution-id and region-id`,
        resource: `execution ${executionId}`,
        transient: false,
        throttled: false
      })
    }
    log.debug(`poll ${this.polls}: execution ${executionId} not visible yet`)
    this.pollState.unchangedPolls++
  }

  private seen(execution: Execution): void {
    const { clock, startedAt, log } = this.options
    const now = clock.now()
    if (execution.status !== this.last?.status) {
      this.changed(execution, now)
    } else {
      this.pollState.unchangedPolls++
      log.debug(`poll ${this.polls}: ${execution.status}`)
    }
    this.last = execution
    this.options.onPoll?.(execution)
    this.pollState.status = execution.status
    // Since the execution's own start when the service says (an attached build began
    // earlier): its time against the wall clock, else this step's own time.
    const created = Date.parse(execution.creationTime ?? '')
    const wall = clock.wall()
    this.pollState.elapsedMs =
      Number.isFinite(created) && created <= wall ? wall - created : now - startedAt
  }

  /** The current timeline entry lasted until `at` (monotonic). */
  private closeEntry(at: number): void {
    const last = this.timeline[this.timeline.length - 1]
    if (last) last.durationMs = at - this.entryStartedAt
  }

  private changed(execution: Execution, now: number): void {
    const { executionId, startedAt, log, clock } = this.options
    this.closeEntry(now)
    this.entryStartedAt = now
    this.timeline.push({ status: execution.status, since: clock.wall(), durationMs: 0 })
    this.pollState.unchangedPolls = 0
    log.info(
      `[${formatDuration(now - startedAt)}] ${execution.status}${execution.message ? `: ${execution.message}` : ''}`
    )
    if (!isKnown(execution.status) && !this.warned.has(execution.status)) {
      this.warned.add(execution.status)
      log.warning(
        `Execution ${executionId} reports a status this action does not know, "${execution.status}"; it is treated as still running.`
      )
    }
  }
}
