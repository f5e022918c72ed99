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
import { expectedEndWindow, type ScheduleOptions } from './schedule.js'
import { actionsState, State, type StateStore } from './state.js'
import { outcomeOf, RUNNING_STATUSES } from './status.js'
import { renderSummary, type SummaryFacts } from './summary.js'
import { type WaitResult, waitForExecution } from './wait.js'

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
const HISTORY_SIZE = 10

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
  const { clock, log, state } = runtime
  const settings = getSettings(runtime.env)
  maskSecrets(settings.credentials)
  const credential = runtime.credentials(settings, log, clock)
  if (settings.credentials.kind === 'oidc') {
    // Assume the role before anything else, so a trust-policy problem is the first thing reported.
    await core.group('Assuming the RAM role with OIDC', () => credential.getCredential())
  }
  const ecs = runtime.connect(settings, log, credential)
  const startedAt = clock.now()
  const deadline = startedAt + settings.timeoutMs
  const abort = new AbortController()
  const retry = <T>(
    operation: string,
    call: () => Promise<T>,
    resource?: string,
    until = deadline
  ): Promise<T> =>
    withRetry(operation, call, { clock, log, deadline: until, signal: abort.signal }, resource)

  log.info(
    `Region ${settings.regionId}, endpoint ${settings.endpoint.protocol}://${settings.endpoint.host}, credentials: ${describeSource(settings.credentials)}`
  )

  // 1. The pipeline.
  let pipelineId = settings.pipelineId
  if (!pipelineId && settings.pipelineName) {
    const name = settings.pipelineName
    pipelineId = await core.group(`Resolving image pipeline "${name}"`, async () => {
      const found = await retry(
        'DescribeImagePipelines',
        () => ecs.findPipelines({ name }),
        `pipeline named "${name}"`
      )
      const exact = found.filter((pipeline) => pipeline.name === name)
      if (exact.length !== 1) {
        const listed = found.map((p) => `${p.pipelineId} ("${p.name ?? ''}")`).join(', ')
        throw new Error(
          exact.length === 0
            ? `No image pipeline is named "${name}" in ${settings.regionId}${listed ? `; found: ${listed}` : ''}. Check image-pipeline-name and region-id, or use image-pipeline-id.`
            : `${exact.length} image pipelines are named "${name}" in ${settings.regionId}: ${exact.map((p) => p.pipelineId).join(', ')}. Use image-pipeline-id to choose one.`
        )
      }
      log.info(`"${name}" is ${exact[0].pipelineId}`)
      return exact[0].pipelineId
    })
  }
  if (pipelineId) core.setOutput(Outputs.ImagePipelineId, pipelineId)

  // 2. The execution: ours, someone else's we attach to, or the one we were given.
  let executionId: string
  let mode: SummaryFacts['mode']
  if (settings.executionId) {
    executionId = settings.executionId
    mode = 'waited for'
    log.info(`Waiting for the existing execution ${executionId}`)
  } else {
    const pipeline = pipelineId!
    const started = await core.group(`Starting a build of ${pipeline}`, () =>
      startOrAdopt(settings, pipeline, ecs, runtime, retry, deadline, abort.signal)
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
  if (owned && settings.cancelOnJobCancel) state.set(State.Guard, 'true')

  // 3. Wait, cancelling our build if the run is cancelled meanwhile.
  const expectedEnd =
    settings.history && pipelineId
      ? await readHistory(ecs, pipelineId, executionId, log)
      : undefined
  let cancelOnSignal: Promise<string> | undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    if (abort.signal.aborted) return
    log.info(`Received ${signal}: the workflow run is being cancelled.`)
    abort.abort()
    if (owned && settings.cancelOnJobCancel) {
      cancelOnSignal = requestCancel(
        ecs,
        executionId,
        runtime,
        clock.now() + CANCEL_ON_SIGNAL_BUDGET_MS
      )
    }
  }
  runtime.signals.on('SIGINT', onSignal)
  runtime.signals.on('SIGTERM', onSignal)
  let result: WaitResult
  try {
    result = await core.group(`Waiting for execution ${executionId}`, () =>
      waitForExecution({
        api: ecs,
        executionId,
        clock,
        log,
        deadline,
        startedAt,
        schedule: {
          minMs: settings.pollIntervalMs,
          maxMs: settings.maxPollIntervalMs,
          expectedEnd
        },
        signal: abort.signal,
        onChange: (execution) => publish(execution, startedAt, clock)
      })
    )
  } finally {
    runtime.signals.off('SIGINT', onSignal)
    runtime.signals.off('SIGTERM', onSignal)
  }
  const last = result.execution
  if (last?.pipelineId && !pipelineId) {
    pipelineId = last.pipelineId
    core.setOutput(Outputs.ImagePipelineId, pipelineId)
  }
  const durationMs = clock.now() - startedAt
  core.setOutput(Outputs.DurationSeconds, String(Math.round(durationMs / 1000)))
  const facts: SummaryFacts = {
    pipelineId,
    pipelineName: settings.pipelineName,
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
    const note = cancelOnSignal
      ? await cancelOnSignal
      : owned
        ? 'cancel-on-job-cancel is false: the build was left running'
        : 'this step did not start it, so it was left running'
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

/** Starts a build, or follows if-running when the pipeline is busy. */
async function startOrAdopt(
  settings: Settings,
  pipelineId: string,
  ecs: EcsClient,
  runtime: Runtime,
  retry: <T>(operation: string, call: () => Promise<T>, resource?: string) => Promise<T>,
  deadline: number,
  signal: AbortSignal
): Promise<{ executionId: string; mode: SummaryFacts['mode'] }> {
  const { log, clock } = runtime
  const resource = `pipeline ${pipelineId}`
  for (;;) {
    try {
      const executionId = await retry(
        'StartImagePipelineExecution',
        () =>
          ecs.startExecution({
            pipelineId,
            clientToken: settings.clientToken,
            tags: settings.tags
          }),
        resource
      )
      log.info(`Started execution ${executionId} (ClientToken ${settings.clientToken})`)
      return { executionId, mode: 'started' }
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'InvalidImagePipeline.HasRunningExecution')
        throw error
    }
    const running = await retry(
      'DescribeImagePipelineExecutions',
      () => ecs.listExecutions({ pipelineId, statuses: RUNNING_STATUSES }),
      resource
    )
    const other = running[0]
    if (settings.ifRunning === 'fail' || !other) {
      const which = other ? `execution ${other.executionId} (${other.status})` : 'an execution'
      throw new Error(
        `Pipeline ${pipelineId} already has a running ${which}. Set if-running: attach to adopt it, if-running: wait to start after it ends${other ? `, or execution-id: ${other.executionId} to wait for it` : ''}.`
      )
    }
    if (settings.ifRunning === 'attach') {
      log.info(
        `Pipeline ${pipelineId} is busy with execution ${other.executionId} (${other.status}); attaching to it (if-running: attach).`
      )
      return { executionId: other.executionId, mode: 'attached' }
    }
    log.info(
      `Pipeline ${pipelineId} is busy with execution ${other.executionId} (${other.status}); waiting for it to end (if-running: wait).`
    )
    const waited = await waitForExecution({
      api: ecs,
      executionId: other.executionId,
      clock,
      log,
      deadline,
      startedAt: clock.now(),
      schedule: { minMs: settings.pollIntervalMs, maxMs: settings.maxPollIntervalMs },
      signal
    })
    if (waited.outcome !== 'ended') {
      throw new Error(
        `Timed out waiting for execution ${other.executionId} of pipeline ${pipelineId} to end (if-running: wait); nothing was started.`
      )
    }
    log.info(
      `Execution ${other.executionId} ended with ${waited.execution?.status}; starting ours.`
    )
  }
}

/**
 * One call for this pipeline's recent successful builds: their durations tell
 * when this one is likely to end, so the wait can poll sparsely until then.
 * Best-effort: without it the schedule is only phase-aware.
 */
async function readHistory(
  ecs: EcsClient,
  pipelineId: string,
  executionId: string,
  log: Log
): Promise<ScheduleOptions['expectedEnd']> {
  try {
    const recent = await ecs.listExecutions({
      pipelineId,
      statuses: ['SUCCESS'],
      maxResults: HISTORY_SIZE
    })
    const durations = recent
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
