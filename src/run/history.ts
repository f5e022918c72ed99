/**
 * This pipeline's recent successful builds: their durations tell when this one
 * is likely to end, so the wait can poll sparsely until then. Best-effort,
 * within a small budget of its own: without it the schedule is only
 * phase-aware.
 */
import { describeError } from '../api/errors.js'
import { formatDuration } from '../inputs/duration.js'
import { expectedEndWindow, type ScheduleOptions } from '../wait/schedule.js'
import type { MainStep } from './context.js'

const HISTORY_SIZE = 10
const HISTORY_BUDGET_MS = 10_000

export async function readHistory(
  { ecs, log }: MainStep,
  pipelineId: string,
  executionId: string
): Promise<ScheduleOptions['expectedEnd']> {
  try {
    const recent = await ecs.within(HISTORY_BUDGET_MS).executionsPage({
      pipelineId,
      statuses: ['SUCCESS'],
      maxResults: HISTORY_SIZE
    })
    const durations = recent.items
      .filter((execution) => execution.executionId !== executionId)
      .map(
        (execution) =>
          Date.parse(execution.modifiedTime ?? '') - Date.parse(execution.creationTime ?? '')
      )
    const window = expectedEndWindow(durations)
    log.info(
      window
        ? `Recent successful builds of ${pipelineId} took ${formatDuration(window.fromMs / 0.9)} to ${formatDuration(window.toMs / 1.1)}: polling sparsely for the first ${formatDuration(window.fromMs)}.`
        : `Fewer than 2 recent successful builds of ${pipelineId} to learn from: polling by phase only.`
    )
    return window
  } catch (error) {
    log.debug(`History not read (${describeError(error)}); polling by phase only.`)
    return undefined
  }
}
