/** The pipeline phase: the ID given, or the one a name resolves to; and its name for the summary. */
import { describeError } from '../api/errors.js'
import type { Run } from './context.js'

/** A best-effort look-up never holds the step up for longer than this. */
export const LOOK_UP_BUDGET_MS = 10_000

/** The pipeline to build, or undefined when only execution-id was given. */
export async function pipelinePhase(run: Run): Promise<string | undefined> {
  const { settings, log, outputs } = run
  const name = settings.pipelineName
  const pipelineId =
    settings.pipelineId ??
    (name
      ? await log.group(`Resolving image pipeline "${name}"`, () => resolvePipeline(run, name))
      : undefined)
  if (pipelineId) outputs.pipeline(pipelineId)
  return pipelineId
}

/** Resolves image-pipeline-name; none or several matches is an error that lists what was found. */
export async function resolvePipeline({ settings, ecs, log }: Run, name: string): Promise<string> {
  const found = await ecs.findPipelines({ name })
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

/** The pipeline's name, for the summary: best-effort, and nothing lost without it (e.g. no ecs:DescribeImagePipelines). */
export async function lookUpPipelineName(
  { ecs, log }: Run,
  pipelineId: string
): Promise<string | undefined> {
  try {
    const [pipeline] = await ecs
      .within(LOOK_UP_BUDGET_MS)
      .findPipelines({ pipelineIds: [pipelineId] })
    return pipeline?.pipelineId === pipelineId ? pipeline.name : undefined
  } catch (error) {
    log.debug(`Pipeline name not read (${describeError(error)}); the summary shows the ID alone.`)
    return undefined
  }
}
