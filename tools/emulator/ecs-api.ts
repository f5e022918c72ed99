/**
 * The emulator's ECS Image Builder operations: executions kept in a state
 * machine (./executions.ts), ClientToken honoured, results paged with
 * NextToken, and the API's own checks (missing parameters, tags, MaxResults,
 * statuses, a busy pipeline), answered as the live API answers them.
 */
import { KNOWN_STATUSES } from '../../src/ecs/status.js'
import { EmulatedExecution, type ExecutionPlan, TERMINAL } from './executions.js'
import { ApiFault, fault } from './http.js'

export interface PipelineRecord {
  id: string
  name: string
  regionId?: string
  description?: string
}

type Answer = ApiFault | Record<string, unknown>

export class EcsApi {
  readonly pipelines: PipelineRecord[] = []
  readonly executions: EmulatedExecution[] = []
  private readonly plans = new Map<string, ExecutionPlan[]>()
  private readonly clientTokens = new Map<string, EmulatedExecution>()

  constructor(
    private readonly now: () => number,
    private readonly defaultPlan: ExecutionPlan,
    /** Numbers as strings and absent fields as "null", as the live API sometimes does. */
    public quirks: boolean,
    /** A service that ignores DescribeImagePipelines' Name filter and lists every pipeline. */
    public ignoreNameFilter = false
  ) {}

  planNext(pipelineId: string, plan: ExecutionPlan): void {
    const queue = this.plans.get(pipelineId) ?? []
    queue.push(plan)
    this.plans.set(pipelineId, queue)
  }

  dispatch(action: string, params: Record<string, string>, accessKeyId: string): Answer {
    if (!params.RegionId)
      return fault(
        400,
        'MissingParameter.RegionId',
        'The input parameter "RegionId" that is mandatory for processing this request is not supplied.'
      )
    switch (action) {
      case 'StartImagePipelineExecution':
        return this.startExecution(params, accessKeyId)
      case 'DescribeImagePipelineExecutions':
        return this.describeExecutions(params)
      case 'DescribeImagePipelines':
        return this.describePipelines(params)
      case 'CancelImagePipelineExecution':
        return this.cancelExecution(params)
      default:
        return fault(
          400,
          'InvalidAction.NotFound',
          `Specified api is not found, please check your url and method: ${action}`
        )
    }
  }

  private pipeline(id: string, regionId: string): PipelineRecord | undefined {
    return this.pipelines.find((p) => p.id === id && p.regionId === regionId)
  }

  private startExecution(params: Record<string, string>, accessKeyId: string): Answer {
    const pipelineId = params.ImagePipelineId
    if (!pipelineId)
      return fault(
        400,
        'MissingParameter.ImagePipelineId',
        'The specified parameter ImagePipelineId should not be empty.'
      )
    if (!this.pipeline(pipelineId, params.RegionId))
      return fault(
        404,
        'InvalidImagePipeline.NotFound',
        `The specified ImagePipelineId ${pipelineId} does not exist.`
      )
    const tags = parseTagParams(params)
    if (tags instanceof ApiFault) return tags
    const token = params.ClientToken
    const earlier = this.earlierStart(token, accessKeyId, pipelineId)
    if (earlier) return earlier
    const now = this.now()
    if (this.executions.some((e) => e.pipelineId === pipelineId && e.isRunningAt(now)))
      return fault(
        403,
        'InvalidImagePipeline.HasRunningExecution',
        `The specified image pipeline ${pipelineId} has a running execution.`
      )
    const plan = this.plans.get(pipelineId)?.shift() ?? this.defaultPlan
    const execution = new EmulatedExecution(pipelineId, params.RegionId, now, plan, tags, token)
    this.executions.push(execution)
    if (token !== undefined) this.clientTokens.set(`${accessKeyId}/${token}`, execution)
    return { ExecutionId: execution.id }
  }

  /** The answer to a ClientToken seen before: the same execution, or a mismatch. */
  private earlierStart(
    token: string | undefined,
    accessKeyId: string,
    pipelineId: string
  ): Answer | undefined {
    if (token === undefined) return undefined
    if (token.length > 64 || !/^[\x20-\x7e]+$/.test(token))
      return fault(
        400,
        'InvalidParameter.ClientToken',
        'The ClientToken must be at most 64 ASCII characters.'
      )
    const earlier = this.clientTokens.get(`${accessKeyId}/${token}`)
    if (!earlier) return undefined
    if (earlier.pipelineId !== pipelineId)
      return fault(
        400,
        'IdempotentParameterMismatch',
        'The request uses the same client token as a previous, but non-identical request.'
      )
    return { ExecutionId: earlier.id }
  }

  private describeExecutions(params: Record<string, string>): Answer {
    const { ImagePipelineId: pipelineId, ExecutionId: executionId } = params
    if (!pipelineId && !executionId)
      return fault(
        400,
        'MissingParameter.ImagePipelineId',
        'The specified parameter ImagePipelineId should not be empty.'
      )
    if (pipelineId && !this.pipeline(pipelineId, params.RegionId))
      return fault(
        404,
        'InvalidImagePipeline.NotFound',
        `The specified ImagePipelineId ${pipelineId} does not exist.`
      )
    const statuses = params.Status ? params.Status.split(',').map((s) => s.trim()) : undefined
    const unknown = statuses?.find((s) => !KNOWN_STATUSES.includes(s))
    if (unknown)
      return fault(400, 'InvalidParameter.Status', `The specified Status ${unknown} is not valid.`)
    const now = this.now()
    const matching = this.executions
      .filter((e) => e.regionId === params.RegionId && now >= e.visibleAt)
      .filter(
        (e) =>
          (!pipelineId || e.pipelineId === pipelineId) && (!executionId || e.id === executionId)
      )
      .map((e) => ({ execution: e, state: e.stateAt(now) }))
      .filter(({ state }) => !statuses || statuses.includes(state.status))
      .sort((a, b) => b.execution.createdAt - a.execution.createdAt)
    const page = this.page(matching, params)
    if (page instanceof ApiFault) return page
    const { items, meta } = page
    return {
      ...meta,
      ImagePipelineExecution: {
        ImagePipelineExecutionSet: items.map(({ execution, state }) =>
          this.shape({
            CreationTime: iso(execution.createdAt),
            ModifiedTime: iso(Math.min(now, state.at)),
            ImagePipelineId: execution.pipelineId,
            ExecutionId: execution.id,
            Status: state.status,
            Message: state.message,
            ImageId: state.imageId,
            ResourceGroupId: 'rg-emulator',
            Tags: execution.tags.length
              ? { Tag: execution.tags.map((t) => ({ TagKey: t.key, TagValue: t.value })) }
              : undefined
          })
        )
      }
    }
  }

  private describePipelines(params: Record<string, string>): Answer {
    const ids = Object.entries(params)
      .filter(([key]) => /^ImagePipelineId\.\d+$/.test(key))
      .map(([, value]) => value)
    if (ids.length > 20)
      return fault(
        400,
        'InvalidImagePipelineIdSize.ExceededMaxNumber',
        'At most 20 ImagePipelineId.N are allowed.'
      )
    const matching = this.pipelines.filter(
      (p) =>
        p.regionId === params.RegionId &&
        (!params.Name || this.ignoreNameFilter || p.name === params.Name) &&
        (!ids.length || ids.includes(p.id))
    )
    const page = this.page(matching, params)
    if (page instanceof ApiFault) return page
    return {
      ...page.meta,
      ImagePipeline: {
        ImagePipelineSet: page.items.map((p) =>
          this.shape({
            ImagePipelineId: p.id,
            Name: p.name,
            Description: p.description,
            CreationTime: '2024-01-01T00:00:00Z',
            BaseImageType: 'IMAGE',
            BaseImage: 'm-emulatorbase',
            SystemDiskSize: 40,
            DeleteInstanceOnFailure: true,
            RepairMode: undefined,
            TestContent: undefined
          })
        )
      }
    }
  }

  private cancelExecution(params: Record<string, string>): Answer {
    const execution = this.executions.find(
      (e) => e.id === params.ExecutionId && e.regionId === params.RegionId
    )
    if (!execution)
      return fault(
        404,
        'InvalidImagePipelineExecution.NotFound',
        'The specified image pipeline execution does not exist!'
      )
    const now = this.now()
    const status = execution.stateAt(now).status
    if (status === 'CANCELLING') return {}
    if (TERMINAL.has(status))
      return fault(
        400,
        'InvalidStatus.CancelFailed',
        'Failed to cancel execution,status is success, failed or cancelled.'
      )
    if (!['PREPARING', 'REPAIRING', 'BUILDING'].includes(status))
      return fault(
        403,
        'InvalidStatus.ImagePipelineExecution',
        `The execution cannot be cancelled in status ${status}.`
      )
    execution.cancelledAt = now
    return {}
  }

  private page<T>(items: T[], params: Record<string, string>): ApiFault | Page<T> {
    const maxResults = params.MaxResults === undefined ? 50 : Number(params.MaxResults)
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 500)
      return fault(
        400,
        'InvalidParameter.MaxResults',
        'The specified MaxResults is not valid (1 to 500).'
      )
    let offset = 0
    if (params.NextToken) {
      const decoded = /^tok-(\d+)$/.exec(
        Buffer.from(params.NextToken, 'base64url').toString('utf8')
      )
      if (!decoded || Number(decoded[1]) > items.length)
        return fault(403, 'Invalid.NextToken', 'The specified NextToken is not valid.')
      offset = Number(decoded[1])
    }
    const next =
      offset + maxResults < items.length
        ? Buffer.from(`tok-${offset + maxResults}`).toString('base64url')
        : undefined
    const meta: Record<string, unknown> = {
      TotalCount: this.quirks ? String(items.length) : items.length,
      MaxResults: this.quirks ? String(maxResults) : maxResults
    }
    if (next) meta.NextToken = next
    else if (this.quirks) meta.NextToken = ''
    return { items: items.slice(offset, offset + maxResults), meta }
  }

  /** Absent fields: dropped, or the string "null" under quirks; numbers as strings under quirks. */
  private shape(fields: Record<string, unknown>): Record<string, unknown> {
    const result: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) {
        if (this.quirks && key !== 'Tags') result[key] = 'null'
      } else result[key] = this.quirks && typeof value === 'number' ? String(value) : value
    }
    return result
  }
}

interface Tag {
  key: string
  value: string
}

interface Page<T> {
  items: T[]
  meta: Record<string, unknown>
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Tag.N.Key / Tag.N.Value, checked as the API checks them. */
function parseTagParams(params: Record<string, string>): ApiFault | Tag[] {
  const tags: Tag[] = []
  const indexes = new Set<number>()
  for (const key of Object.keys(params)) {
    const match = /^Tag\.(\d+)\.(Key|Value)$/.exec(key)
    if (match) indexes.add(Number(match[1]))
  }
  for (const n of [...indexes].sort((a, b) => a - b)) {
    if (n < 1 || n > 20) return fault(400, 'InvalidParameter.TagCount', 'Tag.N: N must be 1 to 20.')
    const key = params[`Tag.${n}.Key`] ?? ''
    const value = params[`Tag.${n}.Value`] ?? ''
    if (!key || key.length > 128 || /^(aliyun|acs:)/i.test(key) || /https?:\/\//i.test(key))
      return fault(
        400,
        'InvalidTagKey.Malformed',
        'The specified Tag.N.Key is not valid. Tag keys cannot be empty or null, support up to 128 characters, cannot start with "aliyun" or "acs:", and cannot contain "http://" or "https://".'
      )
    if (value.length > 128 || /https?:\/\//i.test(value))
      return fault(
        400,
        'InvalidTagValue.Malformed',
        'The specified Tag.N.Value is not valid. Tag values support up to 128 characters, and cannot contain "http://" or "https://".'
      )
    if (tags.some((t) => t.key === key))
      return fault(400, 'Duplicate.TagKey', 'The Tag.N.Key contain duplicate key.')
    tags.push({ key, value })
  }
  return tags
}
