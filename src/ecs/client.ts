/**
 * The ECS Image Builder client: ECS 2014-05-26 in RPC style (./rpc.ts),
 * defensively parsed results, ApiErrors that name the resource. One call is
 * one request: listings come a page at a time (./listing.ts walks them), and
 * nothing here retries (callers apply the policy, ./policy.ts).
 */
import { malformed, unparsable } from '../api/errors.js'
import { list, text } from '../api/parse.js'
import type { CredentialProvider } from '../credentials/provider.js'
import type { Tag } from '../inputs/tags.js'
import type { Log } from '../log.js'
import type { Router } from '../net/exchange.js'
import { ID } from '../runner/text.js'
import { createRpcClient, type RpcCall } from './rpc.js'

const ECS_API_VERSION = '2014-05-26'

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

export interface Page<T> {
  items: T[]
  nextToken?: string
}

/** A started execution, and the service's clock when it said so. */
export interface Started {
  executionId: string
  serverTime?: number
}

export interface EcsClient {
  startExecution(params: { pipelineId: string; clientToken: string; tags: Tag[] }): Promise<Started>
  /** Undefined when the execution is not (yet) visible. */
  getExecution(params: { executionId: string }): Promise<Execution | undefined>
  /** One page of a pipeline's executions, in the statuses asked for. */
  executionsPage(params: {
    pipelineId: string
    statuses?: readonly string[]
    maxResults: number
    nextToken?: string
  }): Promise<Page<Execution>>
  cancelExecution(params: { executionId: string }): Promise<void>
  /** One page of image pipelines, by name or by IDs. */
  pipelinesPage(params: {
    name?: string
    pipelineIds?: string[]
    nextToken?: string
  }): Promise<Page<Pipeline>>
}

interface EcsClientOptions {
  regionId: string
  /** Host (and port), without scheme. */
  endpoint: string
  protocol: 'https' | 'http'
  credential: CredentialProvider
  route: Router
  log: Log
  userAgent?: string
}

type Query = Record<string, string>
const DESCRIBE = 'DescribeImagePipelineExecutions'

export function createEcsClient(options: EcsClientOptions): EcsClient {
  const rpc = createRpcClient({ ...options, version: ECS_API_VERSION })
  const call: RpcCall = (action, query, resource) =>
    rpc(action, { RegionId: options.regionId, ...query }, resource)
  return {
    startExecution: (params) => startExecution(call, params),
    async getExecution({ executionId }) {
      const { body } = await call(
        DESCRIBE,
        { ExecutionId: executionId },
        `execution ${executionId}`
      )
      return parseExecutions(body).find((execution) => execution.executionId === executionId)
    },
    async executionsPage({ pipelineId, statuses, maxResults, nextToken }) {
      const query: Query = { ImagePipelineId: pipelineId, MaxResults: String(maxResults) }
      if (statuses?.length) query.Status = statuses.join(',')
      if (nextToken) query.NextToken = nextToken
      const { body } = await call(DESCRIBE, query, `pipeline ${pipelineId}`)
      return { items: parseExecutions(body), nextToken: text(body.NextToken) }
    },
    async cancelExecution({ executionId }) {
      await call(
        'CancelImagePipelineExecution',
        { ExecutionId: executionId },
        `execution ${executionId}`
      )
    },
    async pipelinesPage({ name, pipelineIds, nextToken }) {
      const query: Query = { MaxResults: '100' }
      if (name) query.Name = name
      pipelineIds?.forEach((id, index) => (query[`ImagePipelineId.${index + 1}`] = id))
      if (nextToken) query.NextToken = nextToken
      const { body } = await call(
        'DescribeImagePipelines',
        query,
        name && `pipeline named "${name}"`
      )
      return { items: parsePipelines(body), nextToken: text(body.NextToken) }
    }
  }
}

async function startExecution(
  call: RpcCall,
  { pipelineId, clientToken, tags }: Parameters<EcsClient['startExecution']>[0]
): Promise<Started> {
  const operation = 'StartImagePipelineExecution'
  const query: Query = { ImagePipelineId: pipelineId, ClientToken: clientToken }
  tags.forEach((tag, index) => {
    query[`Tag.${index + 1}.Key`] = tag.key
    query[`Tag.${index + 1}.Value`] = tag.value
  })
  const { body, serverTime } = await call(operation, query, `pipeline ${pipelineId}`)
  const executionId = text(body.ExecutionId)
  if (!executionId) throw unparsable(operation, 'the response has no ExecutionId')
  return { executionId: checkId(operation, 'ExecutionId', executionId), serverTime }
}

/**
 * IDs are checked on arrival: they go into outputs, logs and the summary, and an
 * ID that is not one is a malformed answer, refused without quoting it.
 */
function checkId(operation: string, field: string, value: string): string
function checkId(operation: string, field: string, value?: string): string | undefined
function checkId(operation: string, field: string, value?: string): string | undefined {
  if (value === undefined || ID.test(value)) return value
  throw malformed(
    operation,
    `the response has a ${field} that is not an ID (${value.length} characters; IDs are letters, digits, ".", "_" and "-", at most 128)`
  )
}

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
