/**
 * A stand-in for the ECS instance metadata service, in both its modes:
 * hardened (a session token first, `PUT /latest/api/token`, then requests
 * with `X-aliyun-ecs-metadata-token`) and plain (the same GETs without a
 * token), or hardened only. It lists the attached role at
 * `/latest/meta-data/ram/security-credentials/` and serves its credentials at
 * `…/<role>`: the same keys on every request until they are rotated (half
 * way through their life), as the service does. Credentials it issues are
 * registered with the ECS emulator, which accepts them until they expire.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { EcsEmulator } from './server.js'

export interface MetadataOptions {
  /** The RAM role attached to the "instance". */
  roleName?: string
  /** Lifetime of the credentials it issues. */
  lifetimeMs?: number
  /** Refuse every session token with this HTTP status (a network that blocks the PUT). */
  refuseTokens?: number
  /** Never answer a token request (a PUT that a firewall drops). */
  ignoreTokens?: boolean
  /** Hardened mode only: a request without a session token is refused (401). */
  hardenedOnly?: boolean
}

export interface MetadataRequest {
  method: string
  path: string
  hasToken: boolean
  status: number
}

const CREDENTIALS_PATH = '/latest/meta-data/ram/security-credentials/'

export class MetadataEmulator {
  readonly requests: MetadataRequest[] = []
  readonly issued: string[] = []
  private server?: Server
  private readonly tokens = new Map<string, number>()
  private current?: { body: Record<string, string>; rotateAt: number }

  constructor(
    private readonly ecs: EcsEmulator,
    private readonly options: MetadataOptions = {}
  ) {}

  get roleName(): string {
    return this.options.roleName ?? 'runner-role'
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => this.handle(request, response))
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return this.endpoint
  }

  async stop(): Promise<void> {
    if (!this.server) return
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server!.close(() => resolve()))
    this.server = undefined
  }

  /** `127.0.0.1:PORT`, what the action's `metadata-endpoint` input takes. */
  get endpoint(): string {
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://metadata').pathname
    const token = request.headers['x-aliyun-ecs-metadata-token'] as string | undefined
    const record: MetadataRequest = {
      method: request.method ?? '',
      path,
      hasToken: Boolean(token),
      status: 200
    }
    this.requests.push(record)
    const send = (status: number, body: string): void => {
      record.status = status
      response.writeHead(status, { 'content-type': 'text/plain' })
      response.end(body)
    }
    if (request.method === 'PUT' && path === '/latest/api/token')
      return this.issueToken(request, send)
    if (request.method === 'GET' && path.startsWith(CREDENTIALS_PATH)) {
      if (!this.admits(token)) return send(401, 'Unauthorized')
      const role = path.slice(CREDENTIALS_PATH.length)
      if (role === '') return send(200, this.roleName)
      if (role !== this.roleName) return send(404, 'Not Found')
      return send(200, JSON.stringify(this.credentials()))
    }
    send(404, 'Not Found')
  }

  /** A valid session token, or none where plain mode is served; a wrong token never. */
  private admits(token: string | undefined): boolean {
    if (token === undefined) return !this.options.hardenedOnly
    const expires = this.tokens.get(token)
    return expires !== undefined && expires >= Date.now()
  }

  /** The same keys until half their life is over, then new ones. */
  private credentials(): Record<string, string> {
    if (!this.current || Date.now() >= this.current.rotateAt) {
      const lifetime = this.options.lifetimeMs ?? 3_600_000
      this.current = { body: this.issueCredentials(), rotateAt: Date.now() + lifetime / 2 }
    }
    return this.current.body
  }

  private issueToken(request: IncomingMessage, send: (status: number, body: string) => void): void {
    if (this.options.ignoreTokens) return
    if (this.options.refuseTokens) return send(this.options.refuseTokens, 'Forbidden')
    const ttl = Number(request.headers['x-aliyun-ecs-metadata-token-ttl-seconds'])
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21_600) return send(400, 'Bad Request')
    const token = randomBytes(24).toString('base64url')
    this.tokens.set(token, Date.now() + ttl * 1000)
    send(200, token)
  }

  private issueCredentials(): Record<string, string> {
    const accessKeyId = `STS.meta-${randomBytes(6).toString('hex')}`
    const secret = randomBytes(18).toString('base64url')
    const securityToken = `CAIS${randomBytes(24).toString('base64url')}`
    const expiresAt = Date.now() + (this.options.lifetimeMs ?? 3_600_000)
    this.ecs.credentials.set(accessKeyId, { secret, securityToken, expiresAt })
    this.issued.push(accessKeyId)
    return {
      Code: 'Success',
      AccessKeyId: accessKeyId,
      AccessKeySecret: secret,
      SecurityToken: securityToken,
      Expiration: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      LastUpdated: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
    }
  }
}
