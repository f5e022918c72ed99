/**
 * The instance metadata service's RAM role credentials, asked for as the
 * vendor's credentials library asks (@alicloud/credentials `ecs_ram_role`):
 * hardened mode first (`PUT /latest/api/token` for a session token, sent back
 * in `X-aliyun-ecs-metadata-token`), and a plain GET when the token request
 * fails, or when a GET with a token fails, unless ALIBABA_CLOUD_IMDSV1_DISABLED
 * is `true`; with the library's time limits (a second for the token). Through
 * the one bounded exchange, never through a proxy (net/proxy.ts).
 */
import { ApiError, toApiError } from '../api/errors.js'
import { serverTime } from '../api/answer.js'
import { record, text, whole } from '../api/parse.js'
import { Inputs } from '../constants.js'
import type { Endpoint } from '../inputs/endpoints.js'
import { exchange, type HttpResponse, type Router } from '../net/exchange.js'
import { parseJson } from '../net/json.js'
import { lifetime, type SessionKeys } from './session.js'

/** The metadata token's lifetime, as the vendor's library asks for it. */
const METADATA_TOKEN_TTL_SECONDS = 21_600
/** The library's limits: a second to connect and a second to read; no answer to the token in a second means plain mode. */
const TOKEN_LIMIT_MS = 1_000
const CREDENTIALS_LIMIT_MS = 2_000
/** Keys whose lifetime cannot be read are renewed after this long. */
const UNKNOWN_LIFETIME_MS = 15 * 60_000
export const OPERATION = 'InstanceMetadata'

export interface MetadataOptions {
  endpoint: Endpoint
  route: Router
  /** ALIBABA_CLOUD_IMDSV1_DISABLED=true: hardened mode only. */
  plainDisabled: boolean
  mask: (secret: string) => void
}

interface RoleKeys extends SessionKeys {
  /** Which mode served, in words for the log. */
  mode: string
}

/** The role's keys, hardened mode first. */
export async function roleKeys(options: MetadataOptions, roleName: string): Promise<RoleKeys> {
  const token = await metadataToken(options)
  if (token.refused) return plainMode(options, roleName, token.refused)
  try {
    return { ...(await credentialsOf(options, roleName, token.value)), mode: 'hardened mode' }
  } catch (error) {
    if (options.plainDisabled) throw error
    return plainMode(options, roleName, toApiError(OPERATION, error))
  }
}

/** A plain GET, after hardened mode failed; when it fails too, the error says both. */
async function plainMode(
  options: MetadataOptions,
  roleName: string,
  hardened: ApiError
): Promise<RoleKeys> {
  const why = `hardened mode failed: ${hardened.apiMessage}`
  try {
    return { ...(await credentialsOf(options, roleName)), mode: `plain mode (${why})` }
  } catch (error) {
    const plain = toApiError(OPERATION, error)
    throw hardened.with({
      message: `${hardened.apiMessage}; the plain request that followed failed too (${plain.code})`,
      transient: hardened.transient || plain.transient
    })
  }
}

/** The session token, or why there is none (when plain mode may follow). */
async function metadataToken(
  options: MetadataOptions
): Promise<{ value: string; refused?: undefined } | { refused: ApiError }> {
  try {
    const response = await ask(options, 'PUT', '/latest/api/token', TOKEN_LIMIT_MS, {
      'x-aliyun-ecs-metadata-token-ttl-seconds': `${METADATA_TOKEN_TTL_SECONDS}`
    })
    const value = whole(response.body.toString('utf8'))
    if (response.status !== 200 || !value)
      throw refusal(
        `the metadata service refused a session token (HTTP ${response.status}); check ${Inputs.MetadataEndpoint} and that the runner may reach the instance metadata service`,
        response.status
      )
    options.mask(value)
    return { value }
  } catch (error) {
    const refused = toApiError(OPERATION, error, undefined, where(options))
    if (options.plainDisabled) throw refused
    return { refused }
  }
}

async function credentialsOf(
  options: MetadataOptions,
  roleName: string,
  token?: string
): Promise<SessionKeys> {
  const response = await ask(
    options,
    'GET',
    `/latest/meta-data/ram/security-credentials/${roleName}`,
    CREDENTIALS_LIMIT_MS,
    token === undefined ? {} : { 'x-aliyun-ecs-metadata-token': token }
  )
  if (response.status !== 200) throw statusRefusal(response.status, roleName)
  return keysOf(response, roleName)
}

async function ask(
  options: MetadataOptions,
  method: 'GET' | 'PUT',
  path: string,
  limitMs: number,
  headers: Record<string, string>
): Promise<HttpResponse> {
  const url = new URL(`${options.endpoint.protocol}://${options.endpoint.host}${path}`)
  try {
    return await exchange({ method, url, headers, limitMs }, options.route)
  } catch (error) {
    const failure = toApiError(OPERATION, error, undefined, where(options))
    throw failure.with({
      message: `${failure.apiMessage}: is this runner an ECS instance? (check ${Inputs.MetadataEndpoint})`
    })
  }
}

function where(options: MetadataOptions): string {
  return `the instance metadata service at ${options.endpoint.host}`
}

function statusRefusal(status: number, roleName: string): ApiError {
  if (status === 404)
    return refusal(
      `the instance has no RAM role named "${roleName}"; check ${Inputs.EcsRamRole} and the role attached to the instance`,
      404
    )
  if (status === 401 || status === 403)
    return refusal(
      `the metadata service refused the request (HTTP ${status}) for ${Inputs.EcsRamRole} "${roleName}"; check ${Inputs.MetadataEndpoint}`,
      status
    )
  return refusal(
    `the metadata service answered HTTP ${status} for ${Inputs.EcsRamRole} "${roleName}"`,
    status
  )
}

function refusal(message: string, status: number): ApiError {
  return new ApiError({
    operation: OPERATION,
    code: `MetadataService.HTTP${status}`,
    message,
    statusCode: status,
    transient: status >= 500 || status === 429,
    throttled: status === 429
  })
}

/** The keys, and how long they live by the service's clock (its Date header, else ours). */
function keysOf(response: HttpResponse, roleName: string): SessionKeys {
  let data: Record<string, unknown>
  try {
    data = record(parseJson(response.body))
  } catch {
    throw refusal(`the metadata service's answer for RAM role "${roleName}" is not JSON`, 502)
  }
  const accessKeyId = whole(data.AccessKeyId)
  const accessKeySecret = whole(data.AccessKeySecret)
  const securityToken = whole(data.SecurityToken)
  if (text(data.Code) !== 'Success' || !accessKeyId || !accessKeySecret || !securityToken)
    throw new ApiError({
      operation: OPERATION,
      code: 'MetadataService.NoCredentials',
      message: `the metadata service gave no credentials for RAM role "${roleName}" (Code ${text(data.Code) ?? 'missing'})`,
      transient: false,
      throttled: false
    })
  return {
    accessKeyId,
    accessKeySecret,
    securityToken,
    lifetimeMs: lifetime(text(data.Expiration), serverTime(response), UNKNOWN_LIFETIME_MS)
  }
}
