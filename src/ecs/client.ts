/**
 * The ECS Image Builder client: ECS 2014-05-26 in RPC style (through sdk.ts),
 * defensively parsed results, ApiErrors that name the resource. It does not
 * retry: callers apply the retry policy (retry.ts) or their own (wait.ts).
 */
import type { Log } from '../log.js'
import { malformed, unparsable } from '../api/errors.js'
import { ID } from '../untrusted.js'
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
  /** Why a failed execution failed (fields of the SDK's response model, absent from the API pages). */
  errorCode?: string
  errorInfo?: string
  creationTime?: string
  modifiedTime?: string
  tags: Tag[]
}

/** Why an execution failed: ErrorCode and ErrorInfo where the service gives them. */
export function failureReason(execution: Execution): string | undefined {
  const { errorCode, errorInfo } = execution
  if (!errorCode && !errorInfo) return undefined
  return [errorCode, errorInfo].filter(Boolean).join(': ')
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
  /** A pipeline's executions, in the statuses asked for: `maxPages` pages (1 by default) of `maxResults`. */
  listExecutions(params: {
    pipelineId: string
    statuses?: readonly string[]
    maxResults: number
    maxPages?: number
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
      if (!executionId)
        throw unparsable('StartImagePipelineExecution', 'the response has no ExecutionId')
      return checkId('StartImagePipelineExecution', 'ExecutionId', executionId)
    },

    async getExecution({ executionId }) {
      const body = await call(
        'DescribeImagePipelineExecutions',
        { ExecutionId: executionId },
        `execution ${executionId}`
      )
      return parseExecutions(body).find((execution) => execution.executionId === executionId)
    },

    async listExecutions({ pipelineId, statuses, maxResults, maxPages = 1 }) {
      const query: Query = { ImagePipelineId: pipelineId, MaxResults: String(maxResults) }
      if (statuses?.length) query.Status = statuses.join(',')
      const pages = await paged(
        (nextToken) =>
          call(
            'DescribeImagePipelineExecutions',
            nextToken ? { ...query, NextToken: nextToken } : query,
            `pipeline ${pipelineId}`
          ),
        maxPages
      )
      return pages.flatMap(parseExecutions)
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

/** Pages of a listing, until no NextToken, a repeated one, or `maxPages` (at most MAX_PAGES). */
async function paged(
  page: (nextToken?: string) => Promise<Record<string, unknown>>,
  maxPages: number
): Promise<Record<string, unknown>[]> {
  const bodies: Record<string, unknown>[] = []
  const tokens = new Set<string>()
  let nextToken: string | undefined
  while (bodies.length < Math.min(maxPages, MAX_PAGES)) {
    const body = await page(nextToken)
    bodies.push(body)
    nextToken = text(body.NextToken)
    // A service that repeats a token would page for ever.
    if (!nextToken || tokens.has(nextToken)) break
    tokens.add(nextToken)
  }
  return bodies
}

/** Every page of DescribeImagePipelines (bounded as `paged` says). */
async function findPipelines(
  call: Call,
  { name, pipelineIds }: { name?: string; pipelineIds?: string[] }
): Promise<Pipeline[]> {
  const query: Query = { MaxResults: '100' }
  if (name) query.Name = name
  pipelineIds?.forEach((id, index) => (query[`ImagePipelineId.${index + 1}`] = id))
  const resource = name ? `pipeline named "${name}"` : undefined
  const pages = await paged(
    (nextToken) =>
      call(
        'DescribeImagePipelines',
        nextToken ? { ...query, NextToken: nextToken } : query,
        resource
      ),
    MAX_PAGES
  )
  // A service that repeats a page (or its token) must not make one pipeline two.
  const unique = new Map(pages.flatMap(parsePipelines).map((p) => [p.pipelineId, p]))
  return [...unique.values()]
}

/**
 * IDs are checked on arrival: they go into outputs, logs and the summary, and an
 * ID that is not one is a malformed answer, refused without quoting it.
 */
export function checkId(operation: string, field: string, value: string): string
export function checkId(operation: string, field: string, value?: string): string | undefined
export function checkId(operation: string, field: string, value?: string): string | undefined {
  if (value === undefined || ID.test(value)) return value
  throw malformed(
    operation,
    `the response has a ${field} that is not an ID (${value.length} characters; IDs are letters, digits, ".", "_" and "-", at most 128)`
  )
}

const DESCRIBE = 'DescribeImagePipelineExecutions'

export function parseExecutions(body: unknown): Execution[] {
  return list(body, 'ImagePipelineExecution', 'ImagePipelineExecutionSet').flatMap((item) => {
    const executionId = checkId(DESCRIBE, 'ExecutionId', text(item.ExecutionId))
    if (!executionId) return []
    return [
      {
        executionId,
        pipelineId: checkId(DESCRIBE, 'ImagePipelineId', text(item.ImagePipelineId)),
        status: text(item.Status)?.toUpperCase() ?? 'UNKNOWN',
        imageId: checkId(DESCRIBE, 'ImageId', text(item.ImageId)),
        message: text(item.Message),
        errorCode: text(item.ErrorCode),
        errorInfo: text(item.ErrorInfo),
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
    const pipelineId = checkId(
      'DescribeImagePipelines',
      'ImagePipelineId',
      text(item.ImagePipelineId)
    )
    return pipelineId
      ? [{ pipelineId, name: text(item.Name), description: text(item.Description) }]
      : []
  })
}
