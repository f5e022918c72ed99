/**
 * Wires the modules together: settings → pipeline → start (or attach) → wait →
 * outputs, summary, outcome. The only place that calls core.setFailed, once.
 */
import * as core from '@actions/core'
import { type Clock, type Log, systemClock } from './clock.js'
import { connect, credentialSource } from './connect.js'
import { describeSource, maskSecrets } from './credentials.js'
import { formatDuration } from './duration.js'
import type { EcsClient, Execution } from './ecs.js'
import type { CredentialSource } from './sdk.js'
import { ApiError, describeError } from './errors.js'
import { getSettings, type Settings } from './inputs.js'
import { withRetry } from './retry.js'
import {
  lookUpPipelineName,
  type Mode,
  readHistory,
  resolvePipeline,
  type Retry,
  type StartContext,
  startOrAdopt
} from './start.js'
import { actionsState, State, type StateStore } from './state.js'
import { outcomeOf } from './status.js'
import { renderSummary, type SummaryFacts } from './summary.js'
import { waitForExecution } from './wait.js'
import { RunCancellation } from './cancellation.js'

export const ACTION_NAME = 'ecs-image-builder'

export const Outputs = {
  ExecutionId: 'execution-id',
  ImagePipelineId: 'image-pipeline-id',
  Status: 'status',
  ImageId: 'image-id',
  Message: 'message',
  DurationSeconds: 'duration-seconds'
} as const

/** What run() uses from the outside world; tests replace parts of it. */
export interface Runtime {
  clock: Clock
  log: Log
  state: StateStore
  env: Record<string, string | undefined>
  /** Where SIGINT/SIGTERM arrive (process). */
  signals: Pick<NodeJS.Process, 'on' | 'off'>
  connect: (settings: Settings, log: Log, credential: CredentialSource) => EcsClient
  credentials: (settings: Settings, log: Log, clock: Clock) => CredentialSource
}

export const coreLog: Log = {
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
  warning: (message) => core.warning(message)
}

/** A failure whose outputs are already set: the message is the whole story. */
class Outcome extends Error {}

/** How long a cancel may take when the run is being cancelled (the runner sends SIGTERM 7.5 s after SIGINT). */
const CANCEL_ON_SIGNAL_BUDGET_MS = 5_000
const CANCEL_AFTER_TIMEOUT_BUDGET_MS = 30_000

export async function run(overrides: Partial<Runtime> = {}): Promise<void> {
  const runtime: Runtime = {
    clock: systemClock,
    log: coreLog,
    state: actionsState,
    env: process.env,
    signals: process,
    connect,
    credentials: credentialSource,
    ...overrides
  }
  try {
    await execute(runtime)
  } catch (error) {
    core.setFailed(`${ACTION_NAME}: ${describeError(error)}`)
  }
}

async function execute(runtime: Runtime): Promise<void> {
  const { clock, log } = runtime
  const settings = getSettings(runtime.env)
  maskSecrets(settings.credentials)
  const credential = runtime.credentials(settings, log, clock)
  if (settings.credentials.kind === 'oidc') {
    // Assume the role before anything else, so a trust-policy problem is the first thing reported.
    await core.group('Assuming the RAM role with OIDC', () => credential.getCredential())
  }
  const ecs = runtime.connect(settings, log, credential)
  const cancellation = new RunCancellation(runtime.signals, log, (executionId) =>
    requestCancel(ecs, executionId, runtime, clock.now() + CANCEL_ON_SIGNAL_BUDGET_MS)
  )
  try {
    await build(settings, ecs, cancellation, runtime)
  } finally {
    cancellation.dispose()
  }
}

async function build(
  settings: Settings,
  ecs: EcsClient,
  cancellation: RunCancellation,
  runtime: Runtime
): Promise<void> {
  const { clock, log, state } = runtime
  const startedAt = clock.now()
  const deadline = startedAt + settings.timeoutMs
  const retry: Retry = (operation, call, resource, options) =>
    withRetry(
      operation,
      call,
      {
        clock,
        log,
        deadline,
        signal: options?.abortable === false ? undefined : cancellation.signal
      },
      resource
    )
  const context: StartContext = {
    settings,
    ecs,
    retry,
    clock,
    log,
    deadline,
    signal: cancellation.signal
  }

  log.info(
    `Region ${settings.regionId}, endpoint ${settings.endpoint.protocol}://${settings.endpoint.host}, credentials: ${describeSource(settings.credentials)}`
  )

  // 1. The pipeline.
  const name = settings.pipelineName
  let pipelineId =
    settings.pipelineId ??
    (name
      ? await core.group(`Resolving image pipeline "${name}"`, () => resolvePipeline(context, name))
      : undefined)
  if (pipelineId) core.setOutput(Outputs.ImagePipelineId, pipelineId)

  // 2. The execution: ours, someone else's we attach to, or the one we were given.
  let executionId: string
  let mode: Mode
  if (settings.executionId) {
    executionId = settings.executionId
    mode = 'waited for'
    log.info(`Waiting for the existing execution ${executionId}`)
  } else {
    if (cancellation.cancelled)
      throw new Outcome(
        'The workflow run was cancelled before a build was started; nothing was started.'
      )
    const pipeline = pipelineId!
    const started = await core.group(`Starting a build of ${pipeline}`, () =>
      startOrAdopt(context, pipeline)
    )
    executionId = started.executionId
    mode = started.mode
  }
  core.setOutput(Outputs.ExecutionId, executionId)
  const owned = mode === 'started'
  state.set(State.ExecutionId, executionId)

  if (!settings.wait) {
    log.info(
      `wait is false: execution ${executionId} goes on without this step. Wait for it in a later step with execution-id: ${executionId}`
    )
    state.set(State.Done, 'true')
    return
  }
  if (owned && settings.cancelOnJobCancel) {
    // The post step's backstop, and the main step's own guard: at once if the run is being cancelled already.
    state.set(State.Guard, 'true')
    cancellation.guard(executionId)
  }

  // 3. Wait; a cancelled run ends it (and cancels the build this step guards).
  const expectedEnd =
    settings.history && pipelineId && !cancellation.cancelled
      ? await readHistory(ecs, pipelineId, executionId, log)
      : undefined
  const result = await core.group(`Waiting for execution ${executionId}`, () =>
    waitForExecution({
      api: ecs,
      executionId,
      clock,
      log,
      deadline,
      startedAt,
      schedule: { minMs: settings.pollIntervalMs, maxMs: settings.maxPollIntervalMs, expectedEnd },
      signal: cancellation.signal,
      onChange: (execution) => publish(execution, startedAt, clock)
    })
  )
  const last = result.execution
  if (last?.pipelineId && !pipelineId) {
    pipelineId = last.pipelineId
    core.setOutput(Outputs.ImagePipelineId, pipelineId)
  }
  const durationMs = clock.now() - startedAt
  core.setOutput(Outputs.DurationSeconds, String(Math.round(durationMs / 1000)))
  // The summary names the pipeline; on a cancelled run, no time is spent on that.
  const pipelineName =
    settings.pipelineName ??
    (pipelineId && result.outcome !== 'aborted'
      ? await lookUpPipelineName(ecs, pipelineId, log)
      : undefined)
  const facts: SummaryFacts = {
    pipelineId,
    pipelineName,
    regionId: settings.regionId,
    executionId,
    status: last?.status,
    imageId: last?.imageId,
    durationMs,
    message: last?.message,
    mode,
    timeline: result.timeline
  }

  // 4. The outcome.
  if (result.outcome === 'aborted') {
    const note =
      (await cancellation.outcome()) ??
      (owned
        ? 'cancel-on-job-cancel is false: the build was left running'
        : 'this step did not start it, so it was left running')
    await writeSummary({ ...facts, note: `The workflow run was cancelled; ${note}.` }, log)
    state.set(State.Done, 'true')
    throw new Outcome(
      `The workflow run was cancelled while waiting for execution ${executionId} (last status ${last?.status ?? 'unknown'}); ${note}.`
    )
  }
  if (result.outcome === 'timed_out') {
    let note: string
    if (settings.onTimeout === 'leave') {
      note = `it was left running (on-timeout: leave); follow it with execution-id: ${executionId}`
    } else if (!owned) {
      note = 'this step did not start it, so it was left running'
    } else {
      note = await requestCancel(
        ecs,
        executionId,
        runtime,
        clock.now() + CANCEL_AFTER_TIMEOUT_BUDGET_MS
      )
    }
    await writeSummary({ ...facts, note: `Timed out; ${note}.` }, log)
    state.set(State.Done, 'true')
    throw new Outcome(
      `Timed out after ${formatDuration(settings.timeoutMs)} waiting for execution ${executionId} (last status ${last?.status ?? 'unknown'}); ${note}.`
    )
  }

  state.set(State.Done, 'true')
  const execution = last!
  await writeSummary(facts, log)
  const outcome = outcomeOf(execution.status)
  const detail = `Execution ${executionId} ended with ${execution.status} after ${formatDuration(durationMs)}${execution.message ? ` (message: "${execution.message}")` : ''}`
  if (outcome === 'success') {
    log.info(`${detail}. Image: ${execution.imageId ?? 'none reported'}`)
    return
  }
  if (outcome === 'partial' && settings.allowPartialSuccess) {
    core.warning(
      `${detail}. allow-partial-success is true, so the step passes. Image: ${execution.imageId ?? 'none reported'}`
    )
    return
  }
  throw new Outcome(
    outcome === 'partial'
      ? `${detail}. The image was created, but copying, sharing or clean-up failed; set allow-partial-success: true to accept this.`
      : `${detail}.`
  )
}

/** Requests a cancel; returns what happened, in words, and never throws. */
async function requestCancel(
  ecs: EcsClient,
  executionId: string,
  runtime: Runtime,
  until: number
): Promise<string> {
  const { clock, log, state } = runtime
  try {
    await withRetry(
      'CancelImagePipelineExecution',
      () => ecs.cancelExecution({ executionId }),
      { clock, log, deadline: until, baseDelayMs: 500 },
      `execution ${executionId}`
    )
    state.set(State.CancelRequested, 'true')
    log.info(`Cancel requested for execution ${executionId}.`)
    return `a cancel was requested for execution ${executionId}`
  } catch (error) {
    const refused = error instanceof ApiError && /^InvalidStatus\./.test(error.code)
    log.warning(`Could not cancel execution ${executionId}: ${describeError(error)}`)
    if (refused) state.set(State.CancelRequested, 'true')
    return refused
      ? `the service refused to cancel it in its current phase (${(error as ApiError).code}); it will end on its own`
      : `the cancel request failed (${describeError(error)}); cancel it in the ECS console`
  }
}

function publish(execution: Execution, startedAt: number, clock: Clock): void {
  core.setOutput(Outputs.Status, execution.status)
  core.setOutput(Outputs.Message, execution.message ?? '')
  if (execution.imageId) core.setOutput(Outputs.ImageId, execution.imageId)
  core.setOutput(Outputs.DurationSeconds, String(Math.round((clock.now() - startedAt) / 1000)))
}

async function writeSummary(facts: SummaryFacts, log: Log): Promise<void> {
  try {
    await core.summary.addRaw(renderSummary(facts)).write()
  } catch (error) {
    log.warning(`Could not write the job summary: ${describeError(error)}`)
  }
}
