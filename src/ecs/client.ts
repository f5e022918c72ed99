/**
 * The ECS Image Builder client: ECS 2014-05-26 in RPC style (through sdk.ts),
 * defensively parsed results, ApiErrors that name the resource. It does not
 * retry: callers apply the retry policy (retry.ts) or their own (wait.ts).
 */
import type { Log } from '../log.js'
import { toApiError } from '../api/errors.js'
import { list, text } from '../api/parse.js'
import { createRpcClient } from '../api/rpc.js'
import type { CredentialProvider } from '../credentials/provider.js'
import type { Tag } from '../inputs/tags.js'

export const ECS_API_VERSION = '2014-05-26'

export interface Execution {
  executionId: string
  pipelineId?: string
  status: string
  imageId?: string
  message?: string
  creationTime?: string
  modifiedTime?: string
  tags: Tag[]
}

export interface Pipeline {
  pipelineId: string
  name?: string
  description?: string
}

export interface EcsClient {
  startExecution(params: { pipelineId: string; clientToken: string; tags: Tag[] }): Promise<string>
  /** Undefined when the execution is not (yet) visible. */
  getExecution(params: { executionId: string }): Promise<Execution | undefined>
  /** The newest page of a pipeline's executions (the service lists newest first). */
  listExecutions(params: {
    pipelineId: string
    statuses?: readonly string[]
    maxResults: number
  }): Promise<Execution[]>
  cancelExecution(params: { executionId: string }): Promise<void>
  findPipelines(params: { name?: string; pipelineIds?: string[] }): Promise<Pipeline[]>
}

export interface EcsClientOptions {
  regionId: string
  /** Host (and port), without scheme. */
  endpoint: string
  protocol: 'https' | 'http'
  credential: CredentialProvider
  log: Log
  readTimeoutMs?: number
  connectTimeoutMs?: number
  userAgent?: string
}

export function defaultEcsEndpoint(regionId: string): string {
  return `ecs.${regionId}.aliyuncs.com`
}

type Query = Record<string, string>

export function createEcsClient(options: EcsClientOptions): EcsClient {
  const rpc = createRpcClient({ ...options, version: ECS_API_VERSION })
  const call: Call = (action, query, resource) =>
    rpc(action, { RegionId: options.regionId, ...query }, { resource })

  return {
    async startExecution({ pipelineId, clientToken, tags }) {
      const query: Query = { ImagePipelineId: pipelineId, ClientToken: clientToken }
      tags.forEach((tag, index) => {
        query[`Tag.${index + 1}.Key`] = tag.key
        query[`Tag.${index + 1}.Value`] = tag.value
      })
      const body = await call('StartImagePipelineExecution', query, `pipeline ${pipelineId}`)
      const executionId = text(body.ExecutionId)
      if (!executionId) {
        throw toApiError('StartImagePipelineExecution', {
          name: 'SyntaxError',
          message: 'the response has no ExecutionId'
        })
      }
      return executionId
    },

    async getExecution({ executionId }) {
      const body = await call(
        'DescribeImagePipelineExecutions',
        { ExecutionId: executionId },
        `execution ${executionId}`
      )
      return parseExecutions(body).find((execution) => execution.executionId === executionId)
    },

    async listExecutions({ pipelineId, statuses, maxResults }) {
      const query: Query = { ImagePipelineId: pipelineId, MaxResults: String(maxResults) }
      if (statuses?.length) query.Status = statuses.join(',')
      return parseExecutions(
        await call('DescribeImagePipelineExecutions', query, `pipeline ${pipelineId}`)
      )
    },

    async cancelExecution({ executionId }) {
      await call(
        'CancelImagePipelineExecution',
        { ExecutionId: executionId },
        `execution ${executionId}`
      )
    },

    findPipelines: (params) => findPipelines(call, params)
  }
}

type Call = (action: string, query: Query, resource?: string) => Promise<Record<string, unknown>>

/** Listings stop after this many pages, whatever NextToken says. */
export const MAX_PAGES = 50

/** Every page of DescribeImagePipelines, until no NextToken, a repeated one, or MAX_PAGES. */
async function findPipelines(
  call: Call,
  { name, pipelineIds }: { name?: string; pipelineIds?: string[] }
): Promise<Pipeline[]> {
  const found: Pipeline[] = []
  const tokens = new Set<string>()
  let nextToken: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: Query = { MaxResults: '100' }
    if (name) query.Name = name
    pipelineIds?.forEach((id, index) => (query[`ImagePipelineId.${index + 1}`] = id))
    if (nextToken) query.NextToken = nextToken
    const body = await call(
      'DescribeImagePipelines',
      query,
      name ? `pipeline named "${name}"` : undefined
    )
    found.push(...parsePipelines(body))
    nextToken = text(body.NextToken)
    // A service that repeats a token would page for ever.
    if (!nextToken || tokens.has(nextToken)) break
    tokens.add(nextToken)
  }
  return found
}

export function parseExecutions(body: unknown): Execution[] {
  return list(body, 'ImagePipelineExecution', 'ImagePipelineExecutionSet').flatMap((item) => {
    const executionId = text(item.ExecutionId)
    if (!executionId) return []
    return [
      {
        executionId,
        pipelineId: text(item.ImagePipelineId),
        status: text(item.Status)?.toUpperCase() ?? 'UNKNOWN',
        imageId: text(item.ImageId),
        message: text(item.Message),
        creationTime: text(item.CreationTime),
        modifiedTime: text(item.ModifiedTime),
        tags: list(item, 'Tags', 'Tag').flatMap((tag) => {
          const key = text(tag.TagKey)
          return key ? [{ key, value: text(tag.TagValue) ?? '' }] : []
        })
      }
    ]
  })
}

export function parsePipelines(body: unknown): Pipeline[] {
  return list(body, 'ImagePipeline', 'ImagePipelineSet').flatMap((item) => {
    const pipelineId = text(item.ImagePipelineId)
    return pipelineId
      ? [{ pipelineId, name: text(item.Name), description: text(item.Description) }]
      : []
  })
}
