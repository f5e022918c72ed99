/** The wait phase: history first (when it can help), then the wait loop, outputs refreshed as it goes. */
import { waitForExecution, type WaitResult } from '../wait/wait.js'
import type { MainStep } from './context.js'
import type { Chosen } from './execution.js'
import { readHistory } from './history.js'

export async function waitPhase(
  step: MainStep,
  { executionId, visibleFrom }: Chosen,
  pipelineId: string | undefined
): Promise<WaitResult> {
  const { settings, ecs, clock, log, outputs, cancellation, startedAt, deadline } = step
  const expectedEnd =
    pipelineId && !cancellation.cancelled
      ? await readHistory(step, pipelineId, executionId)
      : undefined
  return log.group(`Waiting for execution ${executionId}`, () =>
    waitForExecution({
      // The loop makes one attempt a poll: a failed poll is retried at the next one.
      api: ecs.with({ maxAttempts: 1 }),
      executionId,
      clock,
      log,
      deadline,
      startedAt,
      visibleFrom,
      schedule: { minMs: settings.pollIntervalMs, maxMs: settings.maxPollIntervalMs, expectedEnd },
      signal: cancellation.signal,
      onPoll: (execution) => outputs.progress(execution, clock.now() - startedAt)
    })
  )
}
