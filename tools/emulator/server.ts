/**
 * A local emulator of the ECS Image Builder API (ECS 2014-05-26, RPC style),
 * and of STS AssumeRoleWithOIDC, for tests and demos: the action cannot tell
 * it from the cloud. This file is the server: it reads and records each
 * request, answers STS (./sts.ts) or authenticates (./auth.ts), injects
 * faults (./faults.ts), applies rate quotas, and dispatches to the ECS
 * operations (./ecs-api.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { authenticate, type Caller, type Credential } from './auth.js'
import { EcsApi, type PipelineRecord } from './ecs-api.js'
import { EmulatedExecution, type ExecutionPlan } from './executions.js'
import { answerAfterApply, answerBeforeApply, type Fault, SERVICE_UNAVAILABLE } from './faults.js'
import { ApiFault, fault, type Incoming, readRequest, type RecordedRequest, Reply } from './http.js'
import { assumeRoleWithOidc, type IssuedSession, type StsOptions } from './sts.js'

export type { Credential } from './auth.js'
export type { PipelineRecord } from './ecs-api.js'
export type { Fault, FaultKind } from './faults.js'
export type { RecordedRequest } from './http.js'
export type { IssuedSession, StsOptions } from './sts.js'

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
  /** How far the service's wall clock is from this machine's (its Date header, its 15-minute check). */
  clockOffsetMs?: number
  /** StartImagePipelineExecution calls a second the account may make, for all runs together. */
  startQuota?: number
  /** A service that ignores DescribeImagePipelines' Name filter and lists every pipeline. */
  ignoreNameFilter?: boolean
  /** Serve HTTPS with this certificate (PEM) instead of plain HTTP. */
  tls?: { key: string; cert: string }
}

export const TEST_ACCESS_KEY_ID = 'LTAI5tEmulatorTestKey'
export const TEST_ACCESS_KEY_SECRET = 'emulator-test-secret-0123456789'
export const TEST_PIPELINE_ID = 'ip-2ze5tsl5bp6nf2b3emul'
export const TEST_PIPELINE_NAME = 'golden-ubuntu'

export class EcsEmulator {
  readonly regionId: string
  readonly credentials = new Map<string, Credential>()
  readonly requests: RecordedRequest[] = []
  readonly faults: Fault[] = []
  readonly sessions: IssuedSession[] = []
  /** TCP connections accepted so far. */
  connections = 0
  sts?: StsOptions
  clockOffsetMs: number
  private readonly api: EcsApi
  private readonly nonces = new Set<string>()
  private readonly now: () => number
  private readonly quota?: Quota
  private server?: Server
  private readonly timers = new Set<NodeJS.Timeout>()
  private port = 0
  private readonly tls?: { key: string; cert: string }

  constructor(options: EmulatorOptions = {}) {
    this.regionId = options.regionId ?? 'cn-hangzhou'
    this.now = options.now ?? Date.now
    this.sts = options.sts
    this.clockOffsetMs = options.clockOffsetMs ?? 0
    this.tls = options.tls
    this.api = new EcsApi(
      this.now,
      options.defaultPlan ?? {},
      options.quirks ?? false,
      options.ignoreNameFilter ?? false
    )
    if (options.startQuota) this.quota = new Quota(options.startQuota)
    const credentials = options.credentials ?? {
      [TEST_ACCESS_KEY_ID]: { secret: TEST_ACCESS_KEY_SECRET }
    }
    for (const [id, credential] of Object.entries(credentials)) this.credentials.set(id, credential)
    for (const pipeline of options.pipelines ?? [
      { id: TEST_PIPELINE_ID, name: TEST_PIPELINE_NAME }
    ])
      this.addPipeline(pipeline)
  }

  get pipelines(): PipelineRecord[] {
    return this.api.pipelines
  }

  get executions(): EmulatedExecution[] {
    return this.api.executions
  }

  get quirks(): boolean {
    return this.api.quirks
  }

  set quirks(value: boolean) {
    this.api.quirks = value
  }

  async start(port = 0): Promise<string> {
    const handler = (request: IncomingMessage, response: ServerResponse): void =>
      void this.handle(request, response)
    this.server = this.tls ? createHttpsServer(this.tls, handler) : createServer(handler)
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

  /** `http://127.0.0.1:PORT` (https with `tls`), what the action's `endpoint` input takes. */
  get endpoint(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`
  }

  /** `127.0.0.1:PORT`. */
  get host(): string {
    return `127.0.0.1:${this.port}`
  }

  addPipeline(pipeline: PipelineRecord): void {
    this.api.pipelines.push({ regionId: this.regionId, ...pipeline })
  }

  /** The next execution started on this pipeline follows this plan. */
  planNext(pipelineId: string, plan: ExecutionPlan): void {
    this.api.planNext(pipelineId, plan)
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

  /** The next fault injected for this request's operation, if any, noted on its record. */
  private injected(record: RecordedRequest): Fault | undefined {
    const found = this.faults.find(
      (f) =>
        (f.times ?? 1) > 0 &&
        (!f.action || f.action === record.action) &&
        (!f.with || f.with in record.params)
    )
    if (!found) return undefined
    found.times = (found.times ?? 1) - 1
    record.fault = found.kind
    return found
  }

  /** One exchange: read, record, answer STS or authenticate, inject, check the quota, dispatch, answer. */
  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const incoming = await readRequest(request)
    const record: RecordedRequest = {
      at: this.now(),
      action: incoming.action,
      params: redact(incoming.params),
      httpStatus: 200
    }
    this.requests.push(record)
    const reply = new Reply(
      response,
      record,
      `ecs.${this.regionId}.aliyuncs.com`,
      () => Date.now() + this.clockOffsetMs
    )
    if (incoming.action === 'AssumeRoleWithOIDC')
      return this.answerSts(incoming, this.injected(record), reply, request)
    const caller = this.authenticate(request, incoming)
    if (caller instanceof ApiFault) return reply.fault(caller)
    record.style = caller.style
    record.accessKeyId = caller.accessKeyId
    const injected = this.injected(record)
    if (injected && answerBeforeApply(injected, reply, request)) return
    if (
      incoming.action === 'StartImagePipelineExecution' &&
      this.quota &&
      !this.quota.take(this.now())
    )
      return reply.fault(
        fault(400, 'Throttling.User', 'Request was denied due to user flow control.')
      )
    // A service that repeats its token takes it as if it were none.
    const params = { ...incoming.params }
    if (injected?.kind === 'repeat-token') delete params.NextToken
    const result = this.api.dispatch(incoming.action, params, caller.accessKeyId)
    if (result instanceof ApiFault) return reply.fault(result)
    const payload = { RequestId: reply.requestId, ...result }
    if (incoming.action === 'DescribeImagePipelineExecutions') record.statuses = statusesOf(payload)
    // A stale listing is stale by pipeline only: a look-up by ID tells the truth.
    const late =
      injected?.kind === 'stale-listing' && incoming.params.ExecutionId ? undefined : injected
    if (late && (await answerAfterApply(late, reply, request, payload, (ms) => this.wait(ms))))
      return
    reply.send(200, payload)
  }

  private authenticate(request: IncomingMessage, incoming: Incoming): ApiFault | Caller {
    return authenticate(
      {
        method: request.method ?? 'GET',
        path: incoming.url.pathname,
        query: incoming.query,
        headers: incoming.headers,
        body: incoming.body
      },
      incoming.params,
      {
        credentials: this.credentials,
        nonces: this.nonces,
        now: this.now,
        serviceWall: () => Date.now() + this.clockOffsetMs
      }
    )
  }

  /** STS AssumeRoleWithOIDC is anonymous: the OIDC token is the proof. */
  private answerSts(
    incoming: Incoming,
    injected: Fault | undefined,
    reply: Reply,
    request: IncomingMessage
  ): void {
    if (injected && answerBeforeApply(injected, reply, request)) return
    if (injected) return reply.fault(SERVICE_UNAVAILABLE)
    if (!this.sts)
      return reply.fault(
        fault(400, 'InvalidAction.NotFound', 'This emulator has no STS configured.')
      )
    const issued = assumeRoleWithOidc(
      incoming.params,
      incoming.headers['x-acs-version'] ?? incoming.params.Version,
      {
        options: this.sts,
        credentials: this.credentials,
        sessions: this.sessions,
        now: this.now()
      }
    )
    if (issued instanceof ApiFault) return reply.fault(issued)
    reply.send(200, { RequestId: reply.requestId, ...issued })
  }

  private wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        resolve()
      }, ms)
      this.timers.add(timer)
    })
  }
}

/** A token bucket: `perSecond` calls a second, a second's worth of burst. */
class Quota {
  private tokens: number
  private at = 0

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.at) / 1000) * this.perSecond)
    this.at = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

function redact(params: Record<string, string>): Record<string, string> {
  const copy = { ...params }
  for (const key of ['Signature', 'SecurityToken', 'OIDCToken']) if (copy[key]) copy[key] = '***'
  return copy
}

function statusesOf(payload: unknown): string[] | undefined {
  return (
    payload as { ImagePipelineExecution?: { ImagePipelineExecutionSet: Array<{ Status: string }> } }
  ).ImagePipelineExecution?.ImagePipelineExecutionSet.map((e) => e.Status)
}
