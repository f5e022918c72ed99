/**
 * The execution phase: the execution this step reports on. It is the one given
 * (execution-id), one this step starts, or, when the pipeline is busy, what
 * if-running says: fail, attach to the running one, or wait for it to end and
 * then start. What the post step needs is saved before any output is written.
 */
import { describeError } from '../api/errors.js'
import { retryToken } from '../inputs/client-token.js'
import type { MainStep, Ownership } from './context.js'
import { CANCEL_ON_SIGNAL_BUDGET_MS } from './cancellation.js'
import { otherRunning, type Other, startedBefore } from './identity.js'
import { tryStart } from './start.js'
import { pause, waitForOther } from './waiting-other.js'

export interface Chosen {
  executionId: string
  ownership: Ownership
  /** When, on the monotonic clock, the execution should be visible from: the grace for it counts from here. */
  visibleFrom: number
}

export async function executionPhase(
  step: MainStep,
  pipelineId: string | undefined
): Promise<Chosen> {
  const { settings, log, cancellation, clock } = step
  let chosen: Chosen
  if (settings.executionId) {
    chosen = { executionId: settings.executionId, ownership: 'given', visibleFrom: clock.now() }
    log.info(`Waiting for the existing execution ${chosen.executionId}`)
  } else {
    if (cancellation.cancelled)
      throw new Error(
        'The workflow run was cancelled before a build was started; nothing was started.'
      )
    const pipeline = pipelineId!
    chosen = await log.group(`Starting a build of ${pipeline}`, () => startOrAdopt(step, pipeline))
  }
  await record(step, chosen)
  return chosen
}

/**
 * The post step's state first, then the outputs. A build this step started
 * whose state cannot be saved (or whose ID cannot be handed on under
 * wait: false) would run on unseen: it is cancelled, and the step fails naming
 * the file.
 */
async function record(step: MainStep, chosen: Chosen): Promise<void> {
  const { settings, cancellation, outputs } = step
  const started = chosen.ownership === 'started'
  const guarded = started && settings.cancelOnJobCancel
  // The main step guards it from now on, also under wait: false: a run cancelled
  // while the build was starting cancels it (at once if it is being cancelled already).
  if (guarded) cancellation.guard(chosen.executionId)
  try {
    step.postStep.execution(chosen.executionId, guarded && settings.waitForEnd)
  } catch (error) {
    throw await unseen(step, chosen, error)
  }
  outputs.execution(chosen.executionId)
  if (started && !settings.waitForEnd && outputs.failed)
    throw await unseen(step, chosen, outputs.failed)
}

async function unseen(step: MainStep, chosen: Chosen, error: unknown): Promise<Error> {
  if (chosen.ownership !== 'started')
    return error instanceof Error ? error : new Error(String(error))
  const cancel = await step.cancellation.cancelOnce(
    chosen.executionId,
    CANCEL_ON_SIGNAL_BUDGET_MS * 5
  )
  return new Error(
    `${describeError(error)}. Execution ${chosen.executionId} was started but could not be handed on or guarded, so it is not left running unseen: ${cancel.words}.`
  )
}

/** Starts a build, or follows if-running when the pipeline is busy; within the deadline. */
async function startOrAdopt(step: MainStep, pipelineId: string): Promise<Chosen> {
  const firstStartWall = step.clock.wall()
  for (let round = 0; ; round++) {
    // A token whose first use failed may be answered with that failure again:
    // each start after a wait has a new one, derived from the first.
    const token =
      round === 0 ? step.settings.clientToken : retryToken(step.settings.clientToken, round)
    const started = await tryStart(step, pipelineId, token)
    const answeredAt = step.clock.now()
    const other: Other | undefined = started
      ? await startedBefore(step, started, firstStartWall)
      : await otherRunning(step, pipelineId)
    if (started && !other)
      return { executionId: started.executionId, ownership: 'started', visibleFrom: answeredAt }
    const adopted = followIfRunning(step, pipelineId, other)
    if (adopted) return adopted
    if (other?.running) await waitForOther(step, pipelineId, other.execution)
    await pause(step, pipelineId)
  }
}

/** if-running for a busy pipeline: the error under fail, the execution to adopt under attach, nothing under wait. */
function followIfRunning(
  step: MainStep,
  pipelineId: string,
  other: Other | undefined
): Chosen | undefined {
  const { settings, log, clock } = step
  if (settings.ifRunning === 'wait') return undefined
  if (settings.ifRunning === 'attach' && other) {
    const { execution } = other
    log.info(
      `${other.why}; attaching to execution ${execution.executionId} (${execution.status}) (if-running: attach).`
    )
    return { executionId: execution.executionId, ownership: 'attached', visibleFrom: clock.now() }
  }
  const which = other
    ? `execution ${other.execution.executionId} (${other.execution.status})`
    : 'execution'
  const why = other?.why ?? `Pipeline ${pipelineId} already has a running ${which}`
  const id = other?.execution.executionId
  throw new Error(
    `${why}. Set if-running: attach to adopt it, if-running: wait to start after it ends${id ? `, or execution-id: ${id} to wait for it` : ''}.`
  )
}
