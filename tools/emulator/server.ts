/**
 * A local emulator of the ECS Image Builder API (ECS 2014-05-26, RPC style), for
 * tests and demos: the action cannot tell it from the cloud. It verifies
 * signatures, keeps executions in a state machine, pages results, honours
 * ClientToken, injects faults, and records every request.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EmulatedExecution, type ExecutionPlan, KNOWN_STATUSES, TERMINAL } from './executions.js'
import type { TokenVerdict } from '../id-token.js'
import { type IncomingSigned, verifyV2, verifyV3 } from './signature.js'

export type FaultKind =
  | 'throttle' // 400 Throttling.User
  | 'http429' // 429 Throttling
  | 'http503' // 503 ServiceUnavailable (JSON)
  | 'forbidden' // 403 Forbidden.RAM: a refusal that retrying cannot fix
  | 'echo' // 400 SignatureDoesNotMatch whose Message is the fault's `message` (a service echoing a request)
  | 'hang' // no answer ever, request not applied (the socket stays open)
  | 'drip' // request applied, the answer sent a byte every delayMs
  | 'huge' // request applied, 200 with a body of 17 MiB
  | 'repeat-token' // request applied, the answer's NextToken is always the same
  | 'code200' // 200 with an error body (Code, Message, RequestId), request not applied
  | 'busy' // 400 InvalidImagePipeline.HasRunningExecution, whatever runs: a service whose state lags
  | 'stale-listing' // a listing by pipeline shows every execution as BUILDING; a look-up by ID is true
  | 'html502' // 502 with a proxy's HTML page
  | 'reset' // socket destroyed before the request is applied
  | 'reset-after-apply' // request applied, then the socket destroyed
  | 'slow' // request applied, response delayed by delayMs
  | 'malformed' // 200 with a body that is not JSON, request not applied
  | 'truncated' // request applied, 200 with its JSON cut short

export interface Fault {
  /** Operation it applies to; any when absent. */
  action?: string
  kind: FaultKind
  /** How many requests it hits (default 1). */
  times?: number
  delayMs?: number
  /** For 'echo': the error message the service sends. */
  message?: string
}

export interface Credential {
  secret: string
  /** STS: the token that must come with this key, and when it stops working. */
  securityToken?: string
  expiresAt?: number
}

export interface PipelineRecord {
  id: string
  name: string
  regionId?: string
  description?: string
}

export interface RecordedRequest {
  at: number
  action: string
  params: Record<string, string>
  style?: 'V3' | 'V2'
  accessKeyId?: string
  httpStatus: number
  code?: string
  fault?: FaultKind
  /** For DescribeImagePipelineExecutions: the statuses returned. */
  statuses?: string[]
}

/** The emulator's STS: which role and provider exist, what token it trusts, how long sessions last. */
export interface StsOptions {
  roleArn: string
  providerArn: string
  audience: string
  issuer: string
  verify: (token: string) => TokenVerdict
  /** Lifetime of issued credentials, whatever DurationSeconds asked for (tests use seconds). */
  credentialTtlMs?: number
}

export interface IssuedSession {
  accessKeyId: string
  sessionName: string
  issuedAt: number
  expiresAt: number
}

export interface EmulatorOptions {
  sts?: StsOptions
  regionId?: string
  credentials?: Record<string, Credential>
  pipelines?: PipelineRecord[]
  /** Plan for executions that have no plan queued. */
  defaultPlan?: ExecutionPlan
  /** Numbers as strings and absent fields as "null", as the live API sometimes does. */
  quirks?: boolean
  now?: () => number
}

export const TEST_ACCESS_KEY_ID = 'LTAI5tEmulatorTestKey'
export const TEST_ACCESS_KEY_SECRET = 'emulator-test-secret-0123456789'
export const TEST_PIPELINE_ID = 'ip-2ze5tsl5bp6nf2b3emul'
export const TEST_PIPELINE_NAME = 'golden-ubuntu'

class ApiFault {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string
  ) {}
}

const fault = (status: number, code: string, message: string): ApiFault =>
  new ApiFault(status, code, message)

export class EcsEmulator {
  readonly regionId: string
  readonly credentials = new Map<string, Credential>()
  readonly pipelines: PipelineRecord[] = []
  readonly executions: EmulatedExecution[] = []
  readonly requests: RecordedRequest[] = []
  readonly faults: Fault[] = []
  readonly sessions: IssuedSession[] = []
  /** TCP connections accepted so far. */
  connections = 0
  sts?: StsOptions
  quirks: boolean
  private readonly plans = new Map<string, ExecutionPlan[]>()
  private readonly clientTokens = new Map<string, EmulatedExecution>()
  private readonly nonces = new Set<string>()
  private readonly defaultPlan: ExecutionPlan
  private readonly now: () => number
  private server?: Server
  private readonly timers = new Set<NodeJS.Timeout>()
  private port = 0

  constructor(options: EmulatorOptions = {}) {
    this.regionId = options.regionId ?? 'cn-hangzhou'
    this.now = options.now ?? Date.now
    this.quirks = options.quirks ?? false
    this.defaultPlan = options.defaultPlan ?? {}
    this.sts = options.sts
    const credentials = options.credentials ?? {
      [TEST_ACCESS_KEY_ID]: { secret: TEST_ACCESS_KEY_SECRET }
    }
    for (const [id, credential] of Object.entries(credentials)) this.credentials.set(id, credential)
    for (const pipeline of options.pipelines ?? [
      { id: TEST_PIPELINE_ID, name: TEST_PIPELINE_NAME }
    ]) {
      this.addPipeline(pipeline)
    }
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response))
    // Like Node's default. Under about 2 s Node's client never reuses a connection
    // (it keeps one only until a second before the server's advertised time-out),
    // so every request would open a new one, unlike against the live API.
    this.server.keepAliveTimeout = 5000
    this.server.on('connection', () => this.connections++)
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve))
    this.port = (this.server.address() as AddressInfo).port
    return this.endpoint
  }

  async stop(): Promise<void> {
    if (!this.server) return
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server!.close(() => resolve()))
    this.server = undefined
  }

  /** `http://127.0.0.1:PORT`, what the action's `endpoint` input takes. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`
  }

  addPipeline(pipeline: PipelineRecord): void {
    this.pipelines.push({ regionId: this.regionId, ...pipeline })
  }

  /** The next execution started on this pipeline follows this plan. */
  planNext(pipelineId: string, plan: ExecutionPlan): void {
    const queue = this.plans.get(pipelineId) ?? []
    queue.push(plan)
    this.plans.set(pipelineId, queue)
  }

  /** An execution that exists already (started by someone else), `agoMs` ago. */
  seedExecution(pipelineId: string, plan: ExecutionPlan = {}, agoMs = 0): EmulatedExecution {
    const pipeline = this.pipelines.find((p) => p.id === pipelineId)
    const execution = new EmulatedExecution(
      pipelineId,
      pipeline?.regionId ?? this.regionId,
      this.now() - agoMs,
      plan,
      []
    )
    this.executions.push(execution)
    return execution
  }

  inject(...faults: Fault[]): void {
    this.faults.push(...faults.map((f) => ({ times: 1, ...f })))
  }

  execution(id: string): EmulatedExecution | undefined {
    return this.executions.find((execution) => execution.id === id)
  }

  calls(action?: string): RecordedRequest[] {
    return this.requests.filter((request) => !action || request.action === action)
  }

  private takeFault(action: string): Fault | undefined {
    const found = this.faults.find((f) => (f.times ?? 1) > 0 && (!f.action || f.action === action))
    if (found) found.times = (found.times ?? 1) - 1
    return found
  }

  /** One exchange: read, record, answer STS or authenticate, inject, dispatch, answer. */
  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const incoming = await readRequest(request)
    const record: RecordedRequest = {
      at: this.now(),
      action: incoming.action,
      params: redact(incoming.params),
      httpStatus: 200
    }
    this.requests.push(record)
    const reply = new Reply(response, record, this.regionId)
    // STS AssumeRoleWithOIDC is anonymous: the OIDC token is the proof.
    if (incoming.action === 'AssumeRoleWithOIDC') return this.answerSts(incoming, record, reply)

    const auth = this.authenticate(
      {
        method: request.method ?? 'GET',
        path: incoming.url.pathname,
        query: incoming.query,
        headers: incoming.headers,
        body: incoming.body
      },
      incoming.params
    )
    if (auth instanceof ApiFault) return reply.fault(auth)
    record.style = auth.style
    record.accessKeyId = auth.accessKeyId

    const injected = this.takeFault(incoming.action)
    if (injected) record.fault = injected.kind
    if (injected && answerFaultBeforeApply(injected, reply, request)) return

    // A service that repeats its token takes it as if it were none.
    const params = { ...incoming.params }
    if (injected?.kind === 'repeat-token') delete params.NextToken
    const result = this.dispatch(incoming.action, params, auth.accessKeyId)
    if (result instanceof ApiFault) return reply.fault(result)
    const payload = { RequestId: reply.requestId, ...result }
    if (incoming.action === 'DescribeImagePipelineExecutions') {
      record.statuses = statusesOf(payload)
    }
    // A stale listing is stale by pipeline only: a look-up by ID tells the truth.
    const byId = Boolean(incoming.params.ExecutionId)
    const late = injected?.kind === 'stale-listing' && byId ? undefined : injected
    if (late && (await this.answerFaultAfterApply(late, reply, request, payload))) return
    reply.send(200, payload)
  }

  private answerSts(incoming: Incoming, record: RecordedRequest, reply: Reply): void {
    const injected = this.takeFault(incoming.action)
    if (injected) {
      record.fault = injected.kind
      return reply.fault(SERVICE_UNAVAILABLE())
    }
    const issued = this.assumeRoleWithOidc(
      incoming.params,
      incoming.headers['x-acs-version'] ?? incoming.params.Version
    )
    if (issued instanceof ApiFault) return reply.fault(issued)
    reply.send(200, { RequestId: reply.requestId, ...issued })
  }

  /** Faults that strike after the request was applied; true when the answer is given. */
  private async answerFaultAfterApply(
    injected: Fault,
    reply: Reply,
    request: IncomingMessage,
    payload: unknown
  ): Promise<boolean> {
    switch (injected.kind) {
      case 'reset-after-apply':
        reply.record.httpStatus = 0
        request.socket.destroy()
        return true
      case 'drip':
        return this.drip(reply, payload, injected.delayMs ?? 200)
      case 'huge':
        reply.send(200, { ...(payload as object), Padding: 'x'.repeat(17 * 1024 * 1024) })
        return true
      case 'stale-listing':
        reply.send(200, staleListing(payload))
        return true
      case 'repeat-token':
        reply.send(200, { ...(payload as object), NextToken: 'the-same-token' })
        return true
      case 'truncated': {
        const text = JSON.stringify(payload)
        reply.send(200, text.slice(0, Math.max(1, Math.floor(text.length / 2))))
        return true
      }
      case 'slow':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.timers.delete(timer)
            resolve()
          }, injected.delayMs ?? 5000)
          this.timers.add(timer)
        })
        if (request.socket.destroyed) {
          reply.record.httpStatus = 0
          return true
        }
    }
    return false
  }

  /** Sends the answer a byte at a time: a body that trickles in. */
  private drip(reply: Reply, payload: unknown, everyMs: number): boolean {
    const bytes = Buffer.from(JSON.stringify(payload))
    reply.start(200, bytes.length)
    let sent = 0
    const timer = setInterval(() => {
      if (sent >= bytes.length || reply.closed) {
        clearInterval(timer)
        this.timers.delete(timer)
        if (!reply.closed) reply.finish()
        return
      }
      reply.write(bytes.subarray(sent, sent + 1))
      sent++
    }, everyMs)
    this.timers.add(timer)
    return true
  }

  private assumeRoleWithOidc(
    params: Record<string, string>,
    version: string | undefined
  ): ApiFault | Record<string, unknown> {
    const sts = this.sts
    if (!sts) return fault(400, 'InvalidAction.NotFound', 'This emulator has no STS configured.')
    if (version !== '2015-04-01')
      return fault(400, 'InvalidVersion', `Specified parameter Version is not valid: ${version}`)
    for (const name of ['RoleArn', 'OIDCProviderArn', 'OIDCToken', 'RoleSessionName']) {
      if (!params[name])
        return fault(400, `MissingParameter.${name}`, `The parameter ${name} is required.`)
    }
    if (params.OIDCProviderArn !== sts.providerArn)
      return fault(401, 'AuthenticationFail.NoPermission', 'No such OIDC Provider registered.')
    if (params.RoleArn !== sts.roleArn)
      return fault(404, 'EntityNotExist.Role', 'The specified Role not exists.')
    if (!/^[A-Za-z0-9.@_-]{2,64}$/.test(params.RoleSessionName)) {
      return fault(
        400,
        'InvalidParameter.RoleSessionName',
        'The parameter RoleSessionName is wrongly formed.'
      )
    }
    const duration = Number(params.DurationSeconds ?? '3600')
    if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
      return fault(400, 'InvalidParameter.DurationSeconds', 'The DurationSeconds is out of range.')
    }
    const verdict = sts.verify(params.OIDCToken)
    if (!verdict.ok) return fault(401, verdict.code, verdict.message)
    if (verdict.claims.aud !== sts.audience)
      return fault(401, 'AuthenticationFail.OIDCToken.AudienceNotMatch', 'Invalid audience.')
    if (verdict.claims.iss !== sts.issuer)
      return fault(401, 'AuthenticationFail.OIDCToken.Invalid', 'The issuer is not trusted.')
    const now = this.now()
    const expiresAt = now + (sts.credentialTtlMs ?? duration * 1000)
    const accessKeyId = `STS.${randomUUID().replace(/-/g, '').slice(0, 20)}`
    const secret = randomUUID()
    const securityToken = `CAIS${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '')}`
    this.credentials.set(accessKeyId, { secret, securityToken, expiresAt })
    this.sessions.push({
      accessKeyId,
      sessionName: params.RoleSessionName,
      issuedAt: now,
      expiresAt
    })
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        AccessKeySecret: secret,
        SecurityToken: securityToken,
        Expiration: new Date(expiresAt).toISOString()
      },
      AssumedRoleUser: {
        Arn: `${sts.roleArn}/${params.RoleSessionName}`,
        AssumedRoleId: `3${now}:${params.RoleSessionName}`
      },
      OIDCTokenInfo: {
        Subject: verdict.claims.sub,
        Issuer: verdict.claims.iss,
        ClientIds: verdict.claims.aud
      }
    }
  }

  private authenticate(
    signed: IncomingSigned,
    params: Record<string, string>
  ): ApiFault | { style: 'V3' | 'V2'; accessKeyId: string } {
    const secretOf = (id: string): string | undefined => this.credentials.get(id)?.secret
    const verdict = signed.headers.authorization
      ? verifyV3(signed, secretOf)
      : params.Signature
        ? verifyV2(signed.method, params, secretOf)
        : { ok: false as const, code: 'MissingSignature', message: 'The request is not signed.' }
    if (!verdict.ok)
      return fault(
        verdict.code === 'InvalidAccessKeyId.NotFound' ? 404 : 400,
        verdict.code,
        verdict.message
      )

    const nonce = signed.headers['x-acs-signature-nonce'] ?? params.SignatureNonce
    if (nonce) {
      if (this.nonces.has(nonce))
        return fault(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.')
      this.nonces.add(nonce)
    }
    const stamp = signed.headers['x-acs-date'] ?? params.Timestamp
    if (stamp && Math.abs(Date.parse(stamp) - Date.now()) > 15 * 60_000) {
      return fault(
        400,
        'InvalidTimeStamp.Expired',
        'Specified time stamp or date value is expired.'
      )
    }
    const credential = this.credentials.get(verdict.accessKeyId)!
    if (credential.securityToken !== undefined) {
      if (verdict.securityToken !== credential.securityToken) {
        return fault(
          400,
          'InvalidSecurityToken.MismatchWithAccessKey',
          'The security token does not match the access key.'
        )
      }
      if (credential.expiresAt !== undefined && this.now() >= credential.expiresAt) {
        return fault(400, 'InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.')
      }
    } else if (verdict.securityToken) {
      return fault(
        400,
        'InvalidSecurityToken.MismatchWithAccessKey',
        'The security token does not match the access key.'
      )
    }
    const version = signed.headers['x-acs-version'] ?? params.Version
    if (version !== '2014-05-26')
      return fault(400, 'InvalidVersion', `Specified parameter Version is not valid: ${version}`)
    return { style: verdict.style, accessKeyId: verdict.accessKeyId }
  }

  private dispatch(
    action: string,
    params: Record<string, string>,
    accessKeyId: string
  ): ApiFault | Record<string, unknown> {
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

  private startExecution(
    params: Record<string, string>,
    accessKeyId: string
  ): ApiFault | Record<string, unknown> {
    const pipelineId = params.ImagePipelineId
    if (!pipelineId)
      return fault(
        400,
        'MissingParameter.ImagePipelineId',
        'The specified parameter ImagePipelineId should not be empty.'
      )
    if (!this.pipeline(pipelineId, params.RegionId)) {
      return fault(
        404,
        'InvalidImagePipeline.NotFound',
        `The specified ImagePipelineId ${pipelineId} does not exist.`
      )
    }
    const tags = parseTagParams(params)
    if (tags instanceof ApiFault) return tags
    const token = params.ClientToken
    if (token !== undefined) {
      if (token.length > 64 || !/^[\x20-\x7e]+$/.test(token)) {
        return fault(
          400,
          'InvalidParameter.ClientToken',
          'The ClientToken must be at most 64 ASCII characters.'
        )
      }
      const earlier = this.clientTokens.get(`${accessKeyId}/${token}`)
      if (earlier) {
        if (earlier.pipelineId !== pipelineId) {
          return fault(
            400,
            'IdempotentParameterMismatch',
            'The request uses the same client token as a previous, but non-identical request.'
          )
        }
        return { ExecutionId: earlier.id }
      }
    }
    const now = this.now()
    const running = this.executions.find((e) => e.pipelineId === pipelineId && e.isRunningAt(now))
    if (running) {
      return fault(
        403,
        'InvalidImagePipeline.HasRunningExecution',
        `The specified image pipeline ${pipelineId} has a running execution.`
      )
    }
    const plan = this.plans.get(pipelineId)?.shift() ?? this.defaultPlan
    const execution = new EmulatedExecution(pipelineId, params.RegionId, now, plan, tags, token)
    this.executions.push(execution)
    if (token !== undefined) this.clientTokens.set(`${accessKeyId}/${token}`, execution)
    return { ExecutionId: execution.id }
  }

  private describeExecutions(params: Record<string, string>): ApiFault | Record<string, unknown> {
    const { ImagePipelineId: pipelineId, ExecutionId: executionId } = params
    if (!pipelineId && !executionId) {
      return fault(
        400,
        'MissingParameter.ImagePipelineId',
        'The specified parameter ImagePipelineId should not be empty.'
      )
    }
    if (pipelineId && !this.pipeline(pipelineId, params.RegionId)) {
      return fault(
        404,
        'InvalidImagePipeline.NotFound',
        `The specified ImagePipelineId ${pipelineId} does not exist.`
      )
    }
    const statuses = params.Status ? params.Status.split(',').map((s) => s.trim()) : undefined
    const unknown = statuses?.find((s) => !KNOWN_STATUSES.has(s))
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
    return {
      ...page.meta,
      ImagePipelineExecution: {
        ImagePipelineExecutionSet: page.items.map(({ execution, state }) =>
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

  private describePipelines(params: Record<string, string>): ApiFault | Record<string, unknown> {
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
        (!params.Name || p.name === params.Name) &&
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

  private cancelExecution(params: Record<string, string>): ApiFault | Record<string, unknown> {
    const execution = this.executions.find(
      (e) => e.id === params.ExecutionId && e.regionId === params.RegionId
    )
    if (!execution) {
      return fault(
        404,
        'InvalidImagePipelineExecution.NotFound',
        'The specified image pipeline execution does not exist!'
      )
    }
    const now = this.now()
    const status = execution.stateAt(now).status
    if (status === 'CANCELLING') return {}
    if (TERMINAL.has(status)) {
      return fault(
        400,
        'InvalidStatus.CancelFailed',
        'Failed to cancel execution,status is success, failed or cancelled.'
      )
    }
    if (!['PREPARING', 'REPAIRING', 'BUILDING'].includes(status)) {
      return fault(
        403,
        'InvalidStatus.ImagePipelineExecution',
        `The execution cannot be cancelled in status ${status}.`
      )
    }
    execution.cancelledAt = now
    return {}
  }

  private page<T>(
    items: T[],
    params: Record<string, string>
  ): ApiFault | { items: T[]; meta: Record<string, unknown> } {
    const maxResults = params.MaxResults === undefined ? 50 : Number(params.MaxResults)
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 500) {
      return fault(
        400,
        'InvalidParameter.MaxResults',
        'The specified MaxResults is not valid (1 to 500).'
      )
    }
    let offset = 0
    if (params.NextToken) {
      const decoded = /^tok-(\d+)$/.exec(
        Buffer.from(params.NextToken, 'base64url').toString('utf8')
      )
      if (!decoded || Number(decoded[1]) > items.length)
        return fault(403, 'Invalid.NextToken', 'The specified NextToken is not valid.')
      offset = Number(decoded[1])
    }
    const slice = items.slice(offset, offset + maxResults)
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
    return { items: slice, meta }
  }

  /** Absent fields: dropped, or the string "null" under quirks; numbers as strings under quirks. */
  private shape(fields: Record<string, unknown>): Record<string, unknown> {
    const result: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) {
        if (this.quirks && key !== 'Tags') result[key] = 'null'
      } else {
        result[key] = this.quirks && typeof value === 'number' ? String(value) : value
      }
    }
    return result
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function redact(params: Record<string, string>): Record<string, string> {
  const copy = { ...params }
  for (const key of ['Signature', 'SecurityToken']) if (copy[key]) copy[key] = '***'
  return copy
}

function parseTagParams(
  params: Record<string, string>
): ApiFault | Array<{ key: string; value: string }> {
  const tags: Array<{ key: string; value: string }> = []
  const indexes = new Set<number>()
  for (const key of Object.keys(params)) {
    const match = /^Tag\.(\d+)\.(Key|Value)$/.exec(key)
    if (match) indexes.add(Number(match[1]))
  }
  for (const n of [...indexes].sort((a, b) => a - b)) {
    if (n < 1 || n > 20) return fault(400, 'InvalidParameter.TagCount', 'Tag.N: N must be 1 to 20.')
    const key = params[`Tag.${n}.Key`] ?? ''
    const value = params[`Tag.${n}.Value`] ?? ''
    if (!key || key.length > 128 || /^(aliyun|acs:)/i.test(key) || /https?:\/\//i.test(key)) {
      return fault(
        400,
        'InvalidTagKey.Malformed',
        'The specified Tag.N.Key is not valid. Tag keys cannot be empty or null, support up to 128 characters, cannot start with "aliyun" or "acs:", and cannot contain "http://" or "https://".'
      )
    }
    if (value.length > 128 || /https?:\/\//i.test(value)) {
      return fault(
        400,
        'InvalidTagValue.Malformed',
        'The specified Tag.N.Value is not valid. Tag values support up to 128 characters, and cannot contain "http://" or "https://".'
      )
    }
    if (tags.some((t) => t.key === key))
      return fault(400, 'Duplicate.TagKey', 'The Tag.N.Key contain duplicate key.')
    tags.push({ key, value })
  }
  return tags
}

interface Incoming {
  url: URL
  query: Array<[string, string]>
  headers: Record<string, string | undefined>
  body: Buffer
  params: Record<string, string>
  action: string
}

async function readRequest(request: IncomingMessage): Promise<Incoming> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks)
  const url = new URL(request.url ?? '/', 'http://emulator')
  const query = [...url.searchParams.entries()]
  const headers: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value
  }
  const form = (headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
    ? [...new URLSearchParams(body.toString('utf8')).entries()]
    : []
  const params: Record<string, string> = Object.fromEntries([...query, ...form])
  const action = headers['x-acs-action'] ?? params.Action ?? ''
  return { url, query, headers, body, params, action }
}

/** The answer to one request, recorded as it is sent. */
class Reply {
  readonly requestId = randomUUID().toUpperCase()

  constructor(
    private readonly response: ServerResponse,
    readonly record: RecordedRequest,
    private readonly regionId: string
  ) {}

  /** Headers only; the body follows through `write` and `finish`. */
  start(status: number, length: number): void {
    this.record.httpStatus = status
    this.response.writeHead(status, {
      'content-type': 'application/json;charset=utf-8',
      'content-length': String(length),
      'x-acs-request-id': this.requestId
    })
  }

  write(chunk: Buffer): void {
    this.response.write(chunk)
  }

  finish(): void {
    this.response.end()
  }

  get closed(): boolean {
    return this.response.destroyed || this.response.socket?.destroyed === true
  }

  send(status: number, payload: unknown, contentType = 'application/json;charset=utf-8'): void {
    this.record.httpStatus = status
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload)
    this.response.writeHead(status, {
      'content-type': contentType,
      'x-acs-request-id': this.requestId
    })
    this.response.end(text)
  }

  fault(error: ApiFault): void {
    this.record.code = error.code
    this.send(error.status, {
      RequestId: this.requestId,
      HostId: `ecs.${this.regionId}.aliyuncs.com`,
      Code: error.code,
      Message: error.message,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${error.code}&product=Ecs`
    })
  }
}

const SERVICE_UNAVAILABLE = (): ApiFault =>
  fault(
    503,
    'ServiceUnavailable',
    'The request has failed due to a temporary failure of the server.'
  )

/** Faults that strike before the request is applied; true when the answer is given. */
function answerFaultBeforeApply(injected: Fault, reply: Reply, request: IncomingMessage): boolean {
  switch (injected.kind) {
    case 'throttle':
      reply.fault(fault(400, 'Throttling.User', 'Request was denied due to user flow control.'))
      return true
    case 'http429':
      reply.fault(fault(429, 'Throttling', 'Request was denied due to request throttling.'))
      return true
    case 'http503':
      reply.fault(SERVICE_UNAVAILABLE())
      return true
    case 'forbidden':
      reply.fault(
        fault(403, 'Forbidden.RAM', 'User not authorized to operate on the specified resource.')
      )
      return true
    case 'echo':
      reply.fault(fault(400, 'SignatureDoesNotMatch', injected.message ?? ''))
      return true
    case 'hang':
      return true
    case 'busy':
      reply.fault(
        fault(
          400,
          'InvalidImagePipeline.HasRunningExecution',
          'The image pipeline has a running execution.'
        )
      )
      return true
    case 'code200':
      reply.send(200, {
        RequestId: reply.requestId,
        Code: 'Throttling.Concurrent',
        Message: 'Request was denied due to concurrent request control.'
      })
      return true
    case 'html502':
      reply.send(
        502,
        '<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>',
        'text/html'
      )
      return true
    case 'reset':
      reply.record.httpStatus = 0
      request.socket.destroy()
      return true
    case 'malformed':
      reply.send(200, 'upstream error: <!doctype html>')
      return true
  }
  return false
}

function statusesOf(payload: unknown): string[] | undefined {
  return (
    payload as { ImagePipelineExecution?: { ImagePipelineExecutionSet: Array<{ Status: string }> } }
  ).ImagePipelineExecution?.ImagePipelineExecutionSet.map((e) => e.Status)
}

/** Every execution of a listing shown as still BUILDING (a look-up by ID is not touched). */
function staleListing(payload: unknown): unknown {
  const body = payload as {
    ImagePipelineExecution?: { ImagePipelineExecutionSet: Array<Record<string, unknown>> }
  }
  const set = body.ImagePipelineExecution?.ImagePipelineExecutionSet ?? []
  return {
    ...body,
    ImagePipelineExecution: {
      ImagePipelineExecutionSet: set.map((execution) => ({ ...execution, Status: 'BUILDING' }))
    }
  }
}
