/**
 * One start request, seen through. The same ClientToken makes every retry
 * safe. A throttled start was never processed, so it is retried until the
 * deadline, backing off as the account's quota asks; a start that keeps
 * failing in a way that may have reached the service (5xx, resets) stops after
 * START_MAX_FAILURES. A cancelled run does not stop a start that may have
 * reached the service: its answer may carry an ID, and only the ID lets the
 * run cancel the build; it stops one that cannot have.
 */
import { ApiError } from '../api/errors.js'
import type { RetryOptions } from '../api/retry.js'
import type { Started } from '../ecs/client.js'
import type { Settings } from '../inputs/settings.js'
import { formatDuration } from '../inputs/duration.js'
import { DEADLINE } from '../net/errors.js'
import type { MainStep } from './context.js'

const START_MAX_FAILURES = 6
const BUSY = 'InvalidImagePipeline.HasRunningExecution'

/**
 * How a start is retried: at most START_MAX_FAILURES failures that may have
 * been processed; throttling (the account's quota) backed off as the wait loop
 * backs off, within its intervals, until the deadline. tools/bench/fleet.ts starts
 * its simulated builds with this same policy.
 */
export function startPolicy(
  intervals: Pick<Settings, 'pollIntervalMs' | 'maxPollIntervalMs'>
): Pick<RetryOptions, 'maxFailures' | 'throttleFloorMs' | 'throttleCapMs'> {
  return {
    maxFailures: START_MAX_FAILURES,
    throttleFloorMs: intervals.pollIntervalMs,
    throttleCapMs: intervals.maxPollIntervalMs
  }
}

/** The new execution, or undefined when the pipeline is busy. */
export async function tryStart(
  step: MainStep,
  pipelineId: string,
  clientToken: string
): Promise<Started | undefined> {
  const { settings, ecs, log, cancellation } = step
  try {
    const started = await ecs
      .with({
        signal: undefined,
        wake: cancellation.signal,
        ...startPolicy(settings),
        giveUp: (failures) =>
          cancellation.cancelled && failures.every((failure) => !failure.reached)
      })
      .startExecution({ pipelineId, clientToken, tags: settings.tags })
    log.info(`Started execution ${started.executionId} (ClientToken ${clientToken})`)
    return started
  } catch (error) {
    if (error instanceof ApiError && error.code === BUSY) return undefined
    if (error instanceof ApiError && error.code === DEADLINE)
      throw new Error(
        `Timed out before the build of pipeline ${pipelineId} could be started (timeout ${formatDuration(settings.timeoutMs)}); nothing was started.`,
        { cause: error }
      )
    if (cancellation.cancelled && error instanceof ApiError && !error.reached)
      throw new Error(
        `The workflow run was cancelled while the build was starting; no attempt reached the service, so nothing was started (${error.message}).`,
        { cause: error }
      )
    throw error
  }
}
