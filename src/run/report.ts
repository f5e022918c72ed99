/**
 * The report phase: once the wait is over, cancel what is to be cancelled,
 * settle the result (./result.ts), and write it where users look: outputs, the
 * job summary, the log, and the post step's state.
 */
import { describeError } from '../api/errors.js'
import type { CancelResult } from '../ecs/cancel.js'
import { failureReason } from '../ecs/client.js'
import { runLinks } from '../github.js'
import type { WaitResult } from '../wait/wait.js'
import { ReportedFailure, type MainStep } from './context.js'
import type { Chosen } from './execution.js'
import { lookUpPipelineName } from './pipeline.js'
import { cancelsAfterTimeout, decideOutcome, type Outcome } from './result.js'
import { renderSummary, type SummaryFacts } from './summary.js'

/** How long the cancel after a time-out may take. */
const CANCEL_AFTER_TIMEOUT_BUDGET_MS = 30_000

export async function reportPhase(
  step: MainStep,
  chosen: Chosen,
  knownPipelineId: string | undefined,
  waited: WaitResult
): Promise<void> {
  const { settings, clock, outputs, startedAt } = step
  const durationMs = clock.now() - startedAt
  outputs.duration(durationMs)
  const last = waited.execution
  const pipelineId = knownPipelineId ?? last?.pipelineId
  if (pipelineId && !knownPipelineId) outputs.pipeline(pipelineId)

  const cancel = await cancelAfterWait(step, chosen, waited)
  const result = decideOutcome(
    { ...chosen, end: waited.end, error: waited.error, execution: last, durationMs, cancel },
    settings
  )
  // The summary names the pipeline; on a cancelled run, no time is spent on that.
  const pipelineName =
    settings.pipelineName ??
    (pipelineId && waited.end !== 'aborted'
      ? await lookUpPipelineName(step, pipelineId)
      : undefined)
  await writeSummary(step, {
    conclusion: result.conclusion,
    pipelineId,
    pipelineName,
    regionId: settings.regionId,
    executionId: chosen.executionId,
    status: last?.status,
    imageId: last?.imageId,
    durationMs,
    message: last?.message,
    failure: last ? failureReason(last) : undefined,
    ownership: chosen.ownership,
    note: result.note,
    throttling: waited.throttledPolls
      ? { throttled: waited.throttledPolls, polls: waited.polls, slowedMs: waited.throttleDelayMs }
      : undefined,
    links: runLinks(settings.origin),
    timeline: waited.timeline
  })
  conclude(step, result, cancel)
}

/** The cancel a time-out calls for, or the one a cancelled run already asked for. */
async function cancelAfterWait(
  { settings, cancellation }: MainStep,
  chosen: Chosen,
  waited: WaitResult
): Promise<CancelResult | undefined> {
  const unknownEnd = waited.end === 'timed_out' || waited.end === 'failed'
  if (unknownEnd && cancelsAfterTimeout(chosen.ownership, settings))
    return cancellation.cancelOnce(chosen.executionId, CANCEL_AFTER_TIMEOUT_BUDGET_MS)
  if (waited.end === 'aborted') return cancellation.outcome()
  return undefined
}

/** The post step's state, then the step's last word. */
function conclude(
  { log, postStep, outputs }: MainStep,
  result: Outcome,
  cancel?: CancelResult
): void {
  if (result.done) postStep.done()
  else if (cancel && !cancel.settled) postStep.cancelFailed(cancel.words)
  if (!result.passed) throw new ReportedFailure(result.message)
  // The build is settled; outputs that could not be written fail the step now.
  if (outputs.failed) throw new ReportedFailure(describeError(outputs.failed))
  if (result.warning) log.warning(result.message)
  else log.info(result.message)
}

export async function writeSummary(
  step: Pick<MainStep, 'writeSummary' | 'log'>,
  facts: SummaryFacts
): Promise<void> {
  try {
    await step.writeSummary(renderSummary(facts))
  } catch (error) {
    step.log.warning(`Could not write the job summary: ${describeError(error)}`)
  }
}
