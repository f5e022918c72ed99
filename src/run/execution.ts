/**
 * The execution phase: the execution this step reports on. It is the one given
 * (execution-id), one this step starts, or, when the pipeline is busy, what
 * if-running says: fail, attach to the running one, or wait for it to end and
 * then start.
 */
import { ApiError } from '../api/errors.js'
import type { Execution } from '../ecs/client.js'
import { MAX_PAGES } from '../ecs/client.js'
import { isTerminal, RUNNING_STATUSES } from '../ecs/status.js'
import { waitForExecution, type WaitEnd } from '../wait/wait.js'
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
  const owned = chosen.origin === 'started' && settings.cancelOnJobCancel
  // The post step guards a build this step waits for; the main step guards it
  // from its start, also under wait: false, so that a run cancelled while the
  // build was starting cancels it (at once if the run is being cancelled already).
  run.state.execution(chosen.executionId, owned && settings.wait)
  if (owned) cancellation.guard(chosen.executionId)
  return chosen
}

/** Starts a build, or follows if-running when the pipeline is busy; within the deadline. */
export async function startOrAdopt(run: Run, pipelineId: string): Promise<Chosen> {
  for (let round = 0; ; round++) {
    // A token whose first use failed may be answered with that failure again:
    // each start after a wait has a new one, derived from the first.
    const token =
      round === 0 ? run.settings.clientToken : retryToken(run.settings.clientToken, round)
    const executionId = await tryStart(run, pipelineId, token)
    if (executionId) return { executionId, origin: 'started' }
    const other = await findRunning(run, pipelineId)
    if (other && run.settings.ifRunning === 'attach') {
      run.log.info(
        `Pipeline ${pipelineId} is busy with execution ${other.executionId} (${other.status}); attaching to it (if-running: attach).`
      )
      return { executionId: other.executionId, origin: 'attached' }
    }
    if (other) await waitForOther(run, pipelineId, other)
    await pause(run, pipelineId)
  }
}

/** The ClientToken of the start after the `round`-th wait: at most 64 characters. */
export function retryToken(token: string, round: number): string {
  return `${token.slice(0, 55)}-w${round}`
}

/** Errors that say no attempt reached the service: nothing can have been started. */
const NEVER_REACHED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH'
])
/** A start that keeps failing stops after this many attempts, not at the time-out. */
export const START_MAX_ATTEMPTS = 6

/** The new execution's ID, or undefined when the pipeline is busy. */
async function tryStart(
  run: Run,
  pipelineId: string,
  clientToken: string
): Promise<string | undefined> {
  const { settings, ecs, log, cancellation } = run
  const neverReached = (failures: ApiError[]) =>
    failures.every((failure) => NEVER_REACHED.has(failure.code))
  try {
    // A cancelled run does not stop a start that may have reached the service:
    // its answer may carry an ID, and only the ID lets the run cancel the build.
    // The same ClientToken makes every retry safe.
    const executionId = await ecs
      .with({
        signal: undefined,
        wake: cancellation.signal,
        maxAttempts: START_MAX_ATTEMPTS,
        giveUp: (failures) => cancellation.cancelled && neverReached(failures)
      })
      .startExecution({ pipelineId, clientToken, tags: settings.tags })
    log.info(`Started execution ${executionId} (ClientToken ${clientToken})`)
    return executionId
  } catch (error) {
    if (error instanceof ApiError && error.code === BUSY) return undefined
    if (cancellation.cancelled && error instanceof ApiError && NEVER_REACHED.has(error.code))
      throw new StepFailure(
        `The workflow run was cancelled while the build was starting; no attempt reached the service, so nothing was started (${error.message}).`
      )
    throw error
  }
}

/** The pipeline's running execution (the newest, if several); the error under if-running: fail. */
async function findRunning(
  { settings, ecs }: Run,
  pipelineId: string
): Promise<Execution | undefined> {
  // Every known running status, all pages (an empty Status filter may not list
  // every status: docs/api-notes.md); then one unfiltered page, for a running
  // status this action does not know yet.
  let listed = await ecs.listExecutions({
    pipelineId,
    statuses: RUNNING_STATUSES,
    maxResults: 100,
    maxPages: MAX_PAGES
  })
  if (!listed.some((execution) => !isTerminal(execution.status)))
    listed = await ecs.listExecutions({ pipelineId, maxResults: 100 })
  // No assumption about the listing's order: the newest by creation time.
  const other = listed
    .filter((execution) => !isTerminal(execution.status))
    .sort((a, b) => (b.creationTime ?? '').localeCompare(a.creationTime ?? ''))[0]
  if (settings.ifRunning === 'fail' || (!other && settings.ifRunning === 'attach')) {
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
  if (waited.end !== 'ended')
    stopWaiting(pipelineId, other.executionId, waited.end, waited.error?.message)
  log.info(`Execution ${other.executionId} ended with ${waited.execution?.status}; starting ours.`)
}

/** Between two starts under if-running: wait, at least one poll interval, never past the deadline. */
async function pause(run: Run, pipelineId: string): Promise<void> {
  const { settings, clock, deadline, cancellation } = run
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
