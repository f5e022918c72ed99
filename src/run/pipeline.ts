/** The pipeline phase: the ID given, or the one a name resolves to; and its name for the summary. */
import { describeError } from '../api/errors.js'
import type { Pipeline } from '../ecs/client.js'
import { brokenListing, eachPage } from '../ecs/listing.js'
import type { MainStep } from './context.js'

/** A best-effort look-up never holds the step up for longer than this. */
export const LOOK_UP_BUDGET_MS = 10_000
/** At most this many other pipelines are named in the error when none matches. */
const LISTED = 10

/** The pipeline to build, or undefined when only execution-id was given. */
export async function pipelinePhase(step: MainStep): Promise<string | undefined> {
  const { settings, log, outputs } = step
  const name = settings.pipelineName
  const pipelineId =
    settings.pipelineId ??
    (name
      ? await log.group(`Resolving image pipeline "${name}"`, () => resolvePipeline(step, name))
      : undefined)
  if (pipelineId) outputs.pipeline(pipelineId)
  return pipelineId
}

/**
 * Resolves image-pipeline-name: exactly one match, or an error that lists what
 * was found; a listing that could not be read whole is said to be broken, not
 * read as "no such pipeline".
 */
async function resolvePipeline({ settings, ecs, log }: MainStep, name: string): Promise<string> {
  const exact = new Map<string, Pipeline>()
  const others = new Map<string, Pipeline>()
  const listing = await eachPage(
    (nextToken) => ecs.pipelinesPage({ name, nextToken }),
    (pipelines) => {
      for (const pipeline of pipelines) {
        if (pipeline.name === name) exact.set(pipeline.pipelineId, pipeline)
        else if (others.size < LISTED) others.set(pipeline.pipelineId, pipeline)
      }
    }
  )
  const where = settings.regionId
  if (exact.size === 1) {
    const [pipeline] = exact.values()
    log.info(`"${name}" is ${pipeline.pipelineId}`)
    return pipeline.pipelineId
  }
  if (exact.size > 1)
    throw new Error(
      `${exact.size} image pipelines are named "${name}" in ${where}: ${[...exact.keys()].join(', ')}. Use image-pipeline-id to choose one.`
    )
  if (listing.end !== 'complete')
    throw new Error(
      `Could not resolve image-pipeline-name "${name}" in ${where}: ${brokenListing('image pipelines', listing)}. Use image-pipeline-id.`
    )
  const found = [...others.values()].map((p) => `${p.pipelineId} ("${p.name ?? ''}")`).join(', ')
  throw new Error(
    `No image pipeline is named "${name}" in ${where}${found ? `; found: ${found}` : ''}. Check image-pipeline-name and region-id, or use image-pipeline-id.`
  )
}

/** The pipeline's name, for the summary: best-effort, and nothing lost without it (e.g. no ecs:DescribeImagePipelines). */
export async function lookUpPipelineName(
  { ecs, log }: MainStep,
  pipelineId: string
): Promise<string | undefined> {
  try {
    const { items } = await ecs
      .within(LOOK_UP_BUDGET_MS)
      .pipelinesPage({ pipelineIds: [pipelineId] })
    return items.find((pipeline) => pipeline.pipelineId === pipelineId)?.name
  } catch (error) {
    log.debug(`Pipeline name not read (${describeError(error)}); the summary shows the ID alone.`)
    return undefined
  }
}
