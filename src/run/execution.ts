/**
 * The execution phase: the execution this step reports on. It is the one given
 * (execution-id), one this step starts, or, when the pipeline is busy, what
 * if-running says: fail, attach to the running one, or wait for it to end and
 * then start.
 */
import { ApiError } from '../api/errors.js'
import type { Execution } from '../ecs/client.js'
import { isTerminal } from '../ecs/status.js'
import { waitForExecution } from '../wait/wait.js'
import { type Origin, type Run, StepFailure } from './context.js'

export interface Chosen {
  executionId: string
  origin: Origin
}

const BUSY = 'InvalidImagePipeline.HasRunningExecution'

export async function executionPhase(run: Run, pipelineId: string | undefined): Promise<Chosen> {
  const { settings, log, outputs, cancellation } = run
  let chosen: Chosen
  if (settings.executionId) {
    chosen = { executionId: settings.executionId, origin: 'given' }
    log.info(`Waiting for the existing execution ${chosen.executionId}`)
  } else {
    if (cancellation.cancelled)
      throw new StepFailure(
        'The workflow run was cancelled before a build was started; nothing was started.'
      )
    const pipeline = pipelineId!
    chosen = await log.group(`Starting a build of ${pipeline}`, () => startOrAdopt(run, pipeline))
  }
  outputs.execution(chosen.executionId)
  const guarded = chosen.origin === 'started' && settings.cancelOnJobCancel && settings.wait
  run.state.execution(chosen.executionId, guarded)
  // The main step's own guard: at once if the run is being cancelled already.
  if (guarded) cancellation.guard(chosen.executionId)
  return chosen
}

/** Starts a build, or follows if-running when the pipeline is busy. */
export async function startOrAdopt(run: Run, pipelineId: string): Promise<Chosen> {
  for (;;) {
    const executionId = await tryStart(run, pipelineId)
    if (executionId) return { executionId, origin: 'started' }
    const other = await findRunning(run, pipelineId)
    if (run.settings.ifRunning === 'attach') {
      run.log.info(
        `Pipeline ${pipelineId} is busy with execution ${other.executionId} (${other.status}); attaching to it (if-running: attach).`
      )
      return { executionId: other.executionId, origin: 'attached' }
    }
    await waitForOther(run, pipelineId, other)
  }
}

/** The new execution's ID, or undefined when the pipeline is busy. */
async function tryStart(run: Run, pipelineId: string): Promise<string | undefined> {
  const { settings, ecs, log } = run
  try {
    // Not stopped by a cancelled run: a start whose answer is pending may have
    // been applied, and only its ID lets a cancelled run cancel it. The same
    // ClientToken makes every retry safe.
    const executionId = await ecs.with({ signal: undefined }).startExecution({
      pipelineId,
      clientToken: settings.clientToken,
      tags: settings.tags
    })
    log.info(`Started execution ${executionId} (ClientToken ${settings.clientToken})`)
    return executionId
  } catch (error) {
    if (error instanceof ApiError && error.code === BUSY) return undefined
    throw error
  }
}

/** The pipeline's running execution, when if-running lets the step follow it; otherwise the error. */
async function findRunning({ settings, ecs }: Run, pipelineId: string): Promise<Execution> {
  // The newest page, unfiltered: a running status this action does not know still counts.
  const listed = await ecs.listExecutions({ pipelineId, maxResults: 50 })
  const other = listed.find((execution) => !isTerminal(execution.status))
  if (settings.ifRunning === 'fail' || !other) {
    const which = other ? `execution ${other.executionId} (${other.status})` : 'execution'
    throw new Error(
      `Pipeline ${pipelineId} already has a running ${which}. Set if-running: attach to adopt it, if-running: wait to start after it ends${other ? `, or execution-id: ${other.executionId} to wait for it` : ''}.`
    )
  }
  return other
}

/** if-running: wait. Returns once the other execution ended; throws if the run ends first. */
async function waitForOther(run: Run, pipelineId: string, other: Execution): Promise<void> {
  const { settings, ecs, clock, log, deadline, cancellation } = run
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
    schedule: { minMs: settings.pollIntervalMs, maxMs: settings.maxPollIntervalMs },
    signal: cancellation.signal
  })
  const ofPipeline = `execution ${other.executionId} of pipeline ${pipelineId} to end (if-running: wait); nothing was started.`
  if (waited.end === 'aborted')
    throw new Error(`The workflow run was cancelled while waiting for ${ofPipeline}`)
  if (waited.end === 'timed_out') throw new Error(`Timed out waiting for ${ofPipeline}`)
  log.info(`Execution ${other.executionId} ended with ${waited.execution?.status}; starting ours.`)
}
