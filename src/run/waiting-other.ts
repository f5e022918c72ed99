/**
 * if-running: wait. The other build is followed with the wait loop (its
 * schedule and the run's deadline), and the next start comes at least one poll
 * interval later, never past the deadline.
 */
import type { Execution } from '../ecs/client.js'
import { waitForExecution, type WaitEnd } from '../wait/wait.js'
import type { MainStep } from './context.js'

/** Returns once the other execution ended; throws if the run ends first. */
export async function waitForOther(
  step: MainStep,
  pipelineId: string,
  other: Execution
): Promise<void> {
  const { settings, ecs, clock, log, deadline, cancellation } = step
  log.info(
    `Pipeline ${pipelineId} is busy with execution ${other.executionId} (${other.status}); waiting for it to end (if-running: wait).`
  )
  const waited = await waitForExecution({
    api: ecs.with({ maxAttempts: 1 }),
    executionId: other.executionId,
    clock,
    log,
    deadline,
    startedAt: clock.now(),
    visibleFrom: clock.now(),
    schedule: { minMs: settings.pollIntervalMs, maxMs: settings.maxPollIntervalMs },
    signal: cancellation.signal
  })
  if (waited.end !== 'ended')
    stopWaiting(pipelineId, other.executionId, waited.end, waited.error?.message)
  log.info(`Execution ${other.executionId} ended with ${waited.execution?.status}; starting ours.`)
}

/** Between two starts: at least one poll interval, never past the deadline. */
export async function pause(step: MainStep, pipelineId: string): Promise<void> {
  const { settings, clock, deadline, cancellation } = step
  if (clock.now() + settings.pollIntervalMs > deadline)
    stopWaiting(pipelineId, undefined, 'timed_out')
  await clock.sleep(settings.pollIntervalMs, cancellation.signal)
  if (cancellation.cancelled) stopWaiting(pipelineId, undefined, 'aborted')
}

function stopWaiting(
  pipelineId: string,
  executionId: string | undefined,
  end: WaitEnd,
  why?: string
): never {
  const what = `${executionId ? `execution ${executionId}` : 'the running execution'} of pipeline ${pipelineId} to end (if-running: wait); nothing was started.`
  if (end === 'aborted') throw new Error(`The workflow run was cancelled while waiting for ${what}`)
  if (end === 'timed_out') throw new Error(`Timed out waiting for ${what}`)
  throw new Error(`Polling failed (${why}) while waiting for ${what}`)
}
