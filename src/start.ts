/**
 * Before the wait: the pipeline (by name if need be), the execution (started,
 * or the running one, as if-running says), and what history says of its length.
 */
import type { Clock, Log } from './clock.js'
import { formatDuration } from './duration.js'
import type { EcsClient } from './ecs.js'
import { ApiError, describeError } from './errors.js'
import type { Settings } from './inputs.js'
import { expectedEndWindow, type ScheduleOptions } from './schedule.js'
import { isTerminal } from './status.js'
import { waitForExecution } from './wait.js'

/** Calls with the retry policy (retry.ts) bound to the run's deadline; `abortable: false` keeps retrying through a cancelled run. */
export type Retry = <T>(
  operation: string,
  call: () => Promise<T>,
  resource?: string,
  options?: { abortable?: boolean }
) => Promise<T>

export interface StartContext {
  settings: Settings
  ecs: EcsClient
  retry: Retry
  clock: Clock
  log: Log
  deadline: number
  signal: AbortSignal
}

export type Mode = 'started' | 'attached' | 'waited for'

export const HISTORY_SIZE = 10

/** Resolves image-pipeline-name; none or several matches is an error that lists what was found. */
export async function resolvePipeline(
  { settings, ecs, retry, log }: StartContext,
  name: string
): Promise<string> {
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
}

/** Starts a build, or follows if-running when the pipeline is busy. */
export async function startOrAdopt(
  context: StartContext,
  pipelineId: string
): Promise<{ executionId: string; mode: Mode }> {
  const { settings, ecs, retry, clock, log, deadline, signal } = context
  const resource = `pipeline ${pipelineId}`
  for (;;) {
    try {
      // Not abortable: a start whose answer is pending may have been applied, and
      // only its ID lets a cancelled run cancel it. The same ClientToken makes
      // every retry safe.
      const executionId = await retry(
        'StartImagePipelineExecution',
        () =>
          ecs.startExecution({
            pipelineId,
            clientToken: settings.clientToken,
            tags: settings.tags
          }),
        resource,
        { abortable: false }
      )
      log.info(`Started execution ${executionId} (ClientToken ${settings.clientToken})`)
      return { executionId, mode: 'started' }
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'InvalidImagePipeline.HasRunningExecution')
        throw error
    }
    const running = await retry(
      'DescribeImagePipelineExecutions',
      // The newest page, unfiltered: a running status this action does not know still counts.
      () => ecs.listExecutions({ pipelineId, maxResults: 50 }),
      resource
    )
    const other = running.find((execution) => !isTerminal(execution.status))
    if (settings.ifRunning === 'fail' || !other) {
      const which = other ? `execution ${other.executionId} (${other.status})` : 'execution'
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
    if (waited.outcome === 'aborted') {
      throw new Error(
        `The workflow run was cancelled while waiting for execution ${other.executionId} of pipeline ${pipelineId} to end (if-running: wait); nothing was started.`
      )
    }
    if (waited.outcome === 'timed_out') {
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
export async function readHistory(
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

/** The pipeline's name, for the summary: one attempt, and nothing lost without it (e.g. no ecs:DescribeImagePipelines). */
export async function lookUpPipelineName(
  ecs: EcsClient,
  pipelineId: string,
  log: Log
): Promise<string | undefined> {
  try {
    const [pipeline] = await ecs.findPipelines({ pipelineIds: [pipelineId] })
    return pipeline?.pipelineId === pipelineId ? pipeline.name : undefined
  } catch (error) {
    log.debug(`Pipeline name not read (${describeError(error)}); the summary shows the ID alone.`)
    return undefined
  }
}
