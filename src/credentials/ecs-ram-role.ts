/**
 * Credentials of the RAM role attached to the ECS instance the runner is on,
 * from the instance metadata service in its hardened mode, as the vendor's
 * credentials library asks for them (its own request builder and transport):
 * `PUT /latest/api/token` with `X-aliyun-ecs-metadata-token-ttl-seconds`, then
 * `GET /latest/meta-data/ram/security-credentials/<role>` with
 * `X-aliyun-ecs-metadata-token`. Contacted only when `ecs-ram-role` is given.
 */
import { doRequest, Request } from '@alicloud/credentials/dist/src/providers/http.js'
import { ApiError, toApiError } from '../api/errors.js'
import { bounded } from '../api/exchange.js'
import { withRetry } from '../api/retry.js'
import { record, text } from '../api/parse.js'
import type { Clock } from '../clock.js'
import { Inputs } from '../constants.js'
import { formatDuration } from '../inputs/duration.js'
import type { Endpoint } from '../inputs/settings.js'
import type { Log } from '../log.js'
import { type SessionKeys, SessionCredentials } from './session.js'

/** The metadata token's lifetime, as the vendor's library asks for it. */
export const METADATA_TOKEN_TTL_SECONDS = 21_600
const RETRY_BUDGET_MS = 30_000
const OPERATION = 'InstanceMetadata'

export interface EcsRamRoleOptions {
  roleName: string
  endpoint: Endpoint
  clock: Clock
  log: Log
  mask: (secret: string) => void
}

export class EcsRamRoleCredentials extends SessionCredentials {
  constructor(private readonly options: EcsRamRoleOptions) {
    super(options.clock, options.log, 'ecs_ram_role')
  }

  protected async obtain(): Promise<SessionKeys> {
    const { clock, log, roleName, mask } = this.options
    const obtainedAt = clock.now()
    const keys = await withRetry(
      OPERATION,
      async () => this.fetchKeys(await this.metadataToken()),
      { clock, log, deadline: obtainedAt + RETRY_BUDGET_MS, maxAttempts: 4 },
      `RAM role ${roleName}`
    )
    mask(keys.accessKeySecret)
    mask(keys.securityToken)
    log.info(
      `${this.renewals === 0 ? 'Got' : 'Renewed'} the credentials of the instance's RAM role ${roleName}; valid for ${formatDuration(keys.expiresAt - obtainedAt)}.`
    )
    return keys
  }

  private async metadataToken(): Promise<string> {
    const response = await this.exchange(
      this.request('PUT', '/latest/api/token', {
        'x-aliyun-ecs-metadata-token-ttl-seconds': `${METADATA_TOKEN_TTL_SECONDS}`
      })
    )
    if (response.statusCode !== 200)
      throw this.refusal(
        `the metadata service refused a session token (HTTP ${response.statusCode}); check ${Inputs.MetadataEndpoint} and that the runner may reach the instance metadata service`,
        response.statusCode
      )
    const token = response.body.toString('utf8').trim()
    this.options.mask(token)
    return token
  }

  private async fetchKeys(token: string): Promise<SessionKeys> {
    const { roleName } = this.options
    const response = await this.exchange(
      this.request('GET', `/latest/meta-data/ram/security-credentials/${roleName}`, {
        'x-aliyun-ecs-metadata-token': token
      })
    )
    if (response.statusCode === 404)
      throw this.refusal(
        `the instance has no RAM role named "${roleName}"; check ${Inputs.EcsRamRole} and the role attached to the instance`,
        404
      )
    if (response.statusCode === 401 || response.statusCode === 403)
      throw this.refusal(
        `the metadata service refused the session token (HTTP ${response.statusCode}) for ${Inputs.EcsRamRole} "${roleName}"; check ${Inputs.MetadataEndpoint}`,
        response.statusCode
      )
    if (response.statusCode !== 200)
      throw this.refusal(
        `the metadata service answered HTTP ${response.statusCode} for ${Inputs.EcsRamRole} "${roleName}"`,
        response.statusCode
      )
    return keysOf(response.body, roleName, this.options.clock.now())
  }

  private request(method: string, path: string, headers: Record<string, string>): Request {
    return Request.builder()
      .withMethod(method)
      .withProtocol('http')
      .withHost(this.options.endpoint.host)
      .withPath(path)
      .withHeaders(headers)
      .withReadTimeout(5_000)
      .withConnectTimeout(5_000)
      .build()
  }

  private async exchange(request: Request): Promise<{ statusCode: number; body: Buffer }> {
    try {
      return await bounded(() => doRequest(request), 10_000)
    } catch (error) {
      const failure = toApiError(OPERATION, error, `metadata service ${this.options.endpoint.host}`)
      throw new ApiError({
        ...failure,
        operation: OPERATION,
        code: failure.code,
        message: `${failure.apiMessage}: the instance metadata service did not answer; is this runner an ECS instance? (check ${Inputs.MetadataEndpoint})`,
        transient: failure.transient
      })
    }
  }

  private refusal(message: string, statusCode: number): ApiError {
    return new ApiError({
      operation: OPERATION,
      code: `MetadataService.HTTP${statusCode}`,
      message,
      statusCode,
      resource: `RAM role ${this.options.roleName}`,
      transient: statusCode >= 500 || statusCode === 429,
      throttled: statusCode === 429
    })
  }
}

function keysOf(body: Buffer, roleName: string, now: number): SessionKeys {
  let data: Record<string, unknown>
  try {
    data = record(JSON.parse(body.toString('utf8')))
  } catch {
    throw toApiError(
      OPERATION,
      { name: 'SyntaxError', message: 'not JSON' },
      `RAM role ${roleName}`
    )
  }
  const accessKeyId = text(data.AccessKeyId)
  const accessKeySecret = text(data.AccessKeySecret)
  const securityToken = text(data.SecurityToken)
  if (text(data.Code) !== 'Success' || !accessKeyId || !accessKeySecret || !securityToken)
    throw new ApiError({
      operation: OPERATION,
      code: 'MetadataService.NoCredentials',
      message: `the metadata service gave no credentials for RAM role "${roleName}" (Code ${text(data.Code) ?? 'missing'})`,
      transient: false,
      throttled: false
    })
  const expiration = Date.parse(text(data.Expiration) ?? '')
  return {
    accessKeyId,
    accessKeySecret,
    securityToken,
    expiresAt: Number.isFinite(expiration) ? expiration : now + 15 * 60_000
  }
}
