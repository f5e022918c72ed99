/**
 * The wait loop. It receives its client, clock and log, so tests drive hours of
 * polling with a fake clock. It never throws for a transient failure (a poll that
 * hit throttling or a 5xx is just a poll without news), never sleeps past the
 * deadline, and returns 'timed_out' or 'aborted' instead of throwing.
 */
import type { Clock, Log } from './clock.js'
import { formatDuration } from './duration.js'
import type { EcsClient, Execution } from './ecs.js'
import { ApiError, toApiError } from './errors.js'
import { nextPollDelay, type PollState, type ScheduleOptions, untilDeadline } from './schedule.js'
import { isKnown, isTerminal } from './status.js'

export interface TimelineEntry {
  status: string
  /** When this status was first seen. */
  since: number
  /** When the next status was first seen, or the wait ended. */
  until: number
}

export interface WaitOptions {
  api: Pick<EcsClient, 'getExecution'>
  executionId: string
  clock: Clock
  log: Log
  /** Epoch ms: the wait ends here, after one last poll. */
  deadline: number
  /** Epoch ms the wait (or the execution) started; elapsed times count from it. */
  startedAt: number
  schedule: ScheduleOptions
  signal?: AbortSignal
  random?: () => number
  /** How long an execution may stay invisible after its start before it counts as missing. */
  visibilityGraceMs?: number
  /** Called on every status change (the caller saves state, updates outputs). */
  onChange?: (execution: Execution) => void
}

export interface WaitResult {
  outcome: 'ended' | 'timed_out' | 'aborted'
  execution?: Execution
  timeline: TimelineEntry[]
  polls: number
  failedPolls: number
}

export const DEFAULT_VISIBILITY_GRACE_MS = 60_000
const OPERATION = 'DescribeImagePipelineExecutions'

export async function waitForExecution(options: WaitOptions): Promise<WaitResult> {
  const { api, executionId, clock, log, deadline, startedAt, signal } = options
  const random = options.random ?? Math.random
  const grace = options.visibilityGraceMs ?? DEFAULT_VISIBILITY_GRACE_MS
  const timeline: TimelineEntry[] = []
  const warned = new Set<string>()
  let last: Execution | undefined
  let polls = 0
  let failedPolls = 0
  const poll: PollState = { unchangedPolls: 0, throttled: false }

  const finish = (outcome: WaitResult['outcome']): WaitResult => {
    const at = clock.now()
    if (timeline.length) timeline[timeline.length - 1].until = at
    log.debug(`wait ${outcome} after ${polls} poll(s), ${failedPolls} retried`)
    return { outcome, execution: last, timeline, polls, failedPolls }
  }

  for (;;) {
    if (signal?.aborted) return finish('aborted')
    poll.throttled = false
    polls++
    try {
      const execution = await api.getExecution({ executionId })
      const now = clock.now()
      if (!execution) {
        // Right after a start the execution may not be listed yet: a normal,
        // short-lived state (see SPEC.md, "The API it speaks").
        if (now - startedAt > grace) {
          throw new ApiError({
            operation: OPERATION,
            code: 'InvalidExecution.NotFound',
            message: `execution ${executionId} is not listed ${formatDuration(now - startedAt)} after the wait began; check execution-id and region-id`,
            resource: `execution ${executionId}`,
            transient: false,
            throttled: false
          })
        }
        log.debug(`poll ${polls}: execution ${executionId} not visible yet`)
        poll.unchangedPolls++
      } else {
        if (execution.status !== last?.status) {
          if (timeline.length) timeline[timeline.length - 1].until = now
          timeline.push({ status: execution.status, since: now, until: now })
          poll.unchangedPolls = 0
          log.info(
            `[${formatDuration(now - startedAt)}] ${execution.status}${execution.message ? `: ${execution.message}` : ''}`
          )
          if (!isKnown(execution.status) && !warned.has(execution.status)) {
            warned.add(execution.status)
            log.warning(
              `Execution ${executionId} reports a status this action does not know, "${execution.status}"; it is treated as still running.`
            )
          }
          last = execution
          options.onChange?.(execution)
        } else {
          last = execution
          poll.unchangedPolls++
          log.debug(`poll ${polls}: ${execution.status}`)
        }
        poll.status = execution.status
        // Since the execution's own start when the service says (an attached build began earlier).
        const created = Date.parse(execution.creationTime ?? '')
        poll.elapsedMs = now - (Number.isFinite(created) && created <= now ? created : startedAt)
        if (isTerminal(execution.status)) return finish('ended')
      }
    } catch (thrown) {
      const error = toApiError(OPERATION, thrown, `execution ${executionId}`)
      if (!error.transient) throw error
      failedPolls++
      poll.throttled = error.throttled
      log.debug(
        `poll ${polls} failed with ${error.code}${error.statusCode ? ` (HTTP ${error.statusCode})` : ''}; retry ${failedPolls} at the next poll`
      )
    }
    const now = clock.now()
    if (now >= deadline) return finish('timed_out')
    const delay = untilDeadline(nextPollDelay(poll, options.schedule, random), now, deadline)
    poll.previousDelayMs = delay
    log.debug(
      `next poll in ${(delay / 1000).toFixed(1)}s${poll.throttled ? ' (slowed down after throttling)' : ''}`
    )
    await clock.sleep(delay, signal)
  }
}
