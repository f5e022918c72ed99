/**
 * A stand-in for the runner's ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL /
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN), as @actions/core's getIDToken calls it. Tokens
 * are HS256 JWTs with GitHub's claims; `verify` lets the emulator's STS check them.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { StsOptions } from './emulator/sts.js'

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
/** The RAM role and OIDC provider the tests assume through. */
export const TEST_ROLE_ARN = 'acs:ram::1234567890123456:role/github-image-builder'
export const TEST_PROVIDER_ARN = 'acs:ram::1234567890123456:oidc-provider/github'

/** The emulator's STS, trusting `idTokens`' tokens for the test role. */
export function trustingSts(idTokens: IdTokenServer): StsOptions {
  return {
    roleArn: TEST_ROLE_ARN,
    providerArn: TEST_PROVIDER_ARN,
    audience: 'sts.aliyuncs.com',
    issuer: GITHUB_ISSUER,
    verify: (token) => idTokens.verify(token)
  }
}

export interface IdTokenClaims {
  iss: string
  aud: string
  sub: string
  iat: number
  exp: number
  repository: string
}

export type TokenVerdict =
  { ok: true; claims: IdTokenClaims } | { ok: false; code: string; message: string }

const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64url')

export class IdTokenServer {
  readonly requests: Array<{ at: number; audience?: string; authorized: boolean }> = []
  readonly issued: string[] = []
  private readonly key = randomBytes(32)
  private readonly bearer = `runtime-${randomBytes(12).toString('hex')}`
  private server?: Server
  private port = 0

  constructor(
    readonly options: {
      ttlMs?: number
      subject?: string
      now?: () => number
      /** Never answer (a token service that stalls). */
      hang?: boolean
    } = {}
  ) {}

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://id-token')
      const authorized = request.headers.authorization === `Bearer ${this.bearer}`
      const audience = url.searchParams.get('audience') ?? undefined
      this.requests.push({ at: Date.now(), audience, authorized })
      if (this.options.hang) return
      if (!authorized) {
        response
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"message":"Bad credentials"}')
        return
      }
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ value: this.issue(audience ?? '') }))
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.port = (this.server.address() as AddressInfo).port
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve()
    )
  }

  /** The variables the runner sets when the job has `permissions: id-token: write`. */
  get env(): Record<string, string> {
    return {
      ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${this.port}/_apis/distributedtask/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: this.bearer
    }
  }

  issue(audience: string): string {
    const now = Math.floor((this.options.now ?? Date.now)() / 1000)
    const claims: IdTokenClaims = {
      iss: GITHUB_ISSUER,
      aud: audience,
      sub: this.options.subject ?? 'repo:octo-org/golden-images:ref:refs/heads/main',
      repository: 'octo-org/golden-images',
      iat: now,
      exp: now + Math.round((this.options.ttlMs ?? 300_000) / 1000)
    }
    const unsigned = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`
    const token = `${unsigned}.${b64(createHmac('sha256', this.key).update(unsigned).digest())}`
    this.issued.push(token)
    return token
  }

  verify(token: string, now = Date.now()): TokenVerdict {
    const parts = token.split('.')
    if (parts.length !== 3) {
      return {
        ok: false,
        code: 'AuthenticationFail.OIDCToken.Invalid',
        message: "The number of Jwt field should be divided into 3 parts with '.' ."
      }
    }
    const expected = createHmac('sha256', this.key).update(`${parts[0]}.${parts[1]}`).digest()
    const given = Buffer.from(parts[2], 'base64url')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return {
        ok: false,
        code: 'AuthenticationFail.OIDCToken.InvalidSignature',
        message: 'OIDC token validate failed: invalid signature.'
      }
    }
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as IdTokenClaims
    if (claims.exp * 1000 <= now) {
      return {
        ok: false,
        code: 'AuthenticationFail.OIDCToken.Expired',
        message: 'This JsonWebToken is expired.'
      }
    }
    return { ok: true, claims }
  }
}
