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
import { ReportedFailure, type Run } from './context.js'
import type { Chosen } from './execution.js'
import { lookUpPipelineName } from './pipeline.js'
import { cancelsAfterTimeout, decideResult, type StepResult } from './result.js'
import { renderSummary, type SummaryFacts } from './summary.js'

/** How long the cancel after a time-out may take. */
export const CANCEL_AFTER_TIMEOUT_BUDGET_MS = 30_000

export async function reportPhase(
  run: Run,
  chosen: Chosen,
  knownPipelineId: string | undefined,
  waited: WaitResult
): Promise<void> {
  const { settings, clock, outputs, startedAt } = run
  const durationMs = clock.now() - startedAt
  outputs.duration(durationMs)
  const last = waited.execution
  const pipelineId = knownPipelineId ?? last?.pipelineId
  if (pipelineId && !knownPipelineId) outputs.pipeline(pipelineId)

  const cancel = await cancelAfterWait(run, chosen, waited)
  const result = decideResult(
    { ...chosen, end: waited.end, error: waited.error, execution: last, durationMs, cancel },
    settings
  )
  // The summary names the pipeline; on a cancelled run, no time is spent on that.
  const pipelineName =
    settings.pipelineName ??
    (pipelineId && waited.end !== 'aborted' ? await lookUpPipelineName(run, pipelineId) : undefined)
  await writeSummary(run, {
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
  conclude(run, result, cancel)
}

/** The cancel a time-out calls for, or the one a cancelled run already asked for. */
async function cancelAfterWait(
  { settings, cancellation }: Run,
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
function conclude({ log, state, outputs }: Run, result: StepResult, cancel?: CancelResult): void {
  if (result.done) state.done()
  else if (cancel && !cancel.settled) state.cancelFailed(cancel.words)
  if (!result.passed) throw new ReportedFailure(result.message)
  // The build is settled; outputs that could not be written fail the step now.
  if (outputs.failed) throw new ReportedFailure(describeError(outputs.failed))
  if (result.warning) log.warning(result.message)
  else log.info(result.message)
}

export async function writeSummary(
  run: Pick<Run, 'writeSummary' | 'log'>,
  facts: SummaryFacts
): Promise<void> {
  try {
    await run.writeSummary(renderSummary(facts))
  } catch (error) {
    run.log.warning(`Could not write the job summary: ${describeError(error)}`)
  }
}
