/**
 * STS 2015-04-01 AssumeRoleWithOIDC, in the form the vendor's credentials
 * library (@alicloud/credentials) sends it: anonymous (the OIDC token is the
 * proof); `Action`, `Version`, `Format=JSON` and `Timestamp` in the query; the
 * five parameters in a form body, so the token never appears in a URL. Sent
 * through the one bounded exchange (net/exchange.ts), read by its shape
 * (api/answer.ts). __tests__/contract/credentials-library.test.ts compares the
 * request and the host choice with the library's.
 */
import { readAnswer, serverTime } from '../api/answer.js'
import { toApiError, unparsable } from '../api/errors.js'
import { record, text, whole } from '../api/parse.js'
import type { Endpoint } from '../inputs/endpoints.js'
import type { Log } from '../log.js'
import { exchange, type HttpRequest, type Router } from '../net/exchange.js'
import { lifetime, type SessionKeys } from './session.js'

const STS_API_VERSION = '2015-04-01'
const ACTION = 'AssumeRoleWithOIDC'

interface AssumeRoleWithOidcParams {
  roleArn: string
  providerArn: string
  oidcToken: string
  sessionName: string
  durationSeconds: number
}

interface StsClient {
  assumeRoleWithOidc(params: AssumeRoleWithOidcParams): Promise<SessionKeys>
}

/**
 * The STS host when `sts-endpoint` is not given, as the library chooses it:
 * `ALIBABA_CLOUD_STS_REGION` picks the regional host, and with
 * `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true` its VPC host; otherwise the
 * central one.
 */
export function defaultStsHost(env: Record<string, string | undefined>): string {
  const region = env.ALIBABA_CLOUD_STS_REGION
  const vpc = env.ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED?.toLowerCase() === 'true'
  if (!region) return 'sts.aliyuncs.com'
  return vpc ? `sts-vpc.${region}.aliyuncs.com` : `sts.${region}.aliyuncs.com`
}

/** The vendor's encoding of a query or form: `key=encodeURIComponent(value)`, in order. */
function form(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&')
}

/** `yyyy-MM-ddTHH:mm:ssZ`, UTC, from the runner's wall clock (as the library does). */
function timestamp(wall: number): string {
  return new Date(wall).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The request, field for field as `@alicloud/credentials` builds it. */
export function assumeRoleRequest(
  endpoint: Endpoint,
  params: AssumeRoleWithOidcParams,
  wall = Date.now()
): HttpRequest {
  const query = form({
    Version: STS_API_VERSION,
    Action: ACTION,
    Format: 'JSON',
    Timestamp: timestamp(wall)
  })
  return {
    method: 'POST',
    url: new URL(`${endpoint.protocol}://${endpoint.host}/?${query}`),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form({
      OIDCProviderArn: params.providerArn,
      OIDCToken: params.oidcToken,
      RoleArn: params.roleArn,
      RoleSessionName: params.sessionName,
      DurationSeconds: `${params.durationSeconds}`
    })
  }
}

export function createStsClient(options: {
  endpoint: Endpoint
  route: Router
  log: Log
}): StsClient {
  const where = `STS at ${options.endpoint.host}`
  return {
    async assumeRoleWithOidc(params) {
      const resource = `role ${params.roleArn}`
      options.log.debug(`→ ${ACTION} (parameters in the body)`)
      try {
        const response = await exchange(assumeRoleRequest(options.endpoint, params), options.route)
        const body = readAnswer(response, { operation: ACTION, resource })
        options.log.debug(
          `← ${ACTION} HTTP ${response.status} RequestId ${text(body.RequestId) ?? '-'}`
        )
        const duration = params.durationSeconds * 1000
        return keysOf(body, resource, (expiration) =>
          Math.min(duration, lifetime(expiration, serverTime(response), duration))
        )
      } catch (error) {
        throw toApiError(ACTION, error, resource, where)
      }
    }
  }
}

function keysOf(
  body: Record<string, unknown>,
  resource: string,
  lifetimeOf: (expiration?: string) => number
): SessionKeys {
  const credentials = record(body.Credentials)
  const accessKeyId = whole(credentials.AccessKeyId)
  const accessKeySecret = whole(credentials.AccessKeySecret)
  const securityToken = whole(credentials.SecurityToken)
  if (!accessKeyId || !accessKeySecret || !securityToken)
    throw unparsable(ACTION, 'the response has no Credentials', resource)
  return {
    accessKeyId,
    accessKeySecret,
    securityToken,
    lifetimeMs: lifetimeOf(text(credentials.Expiration))
  }
}
