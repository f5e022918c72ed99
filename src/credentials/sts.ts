/**
 * STS 2015-04-01 AssumeRoleWithOIDC, in the form the vendor's credentials
 * library sends it, through that library's own request builder and transport:
 * anonymous (the OIDC token is the proof); `Action`, `Version`, `Format=JSON`
 * and `Timestamp` in the query; the five parameters in a form body, so the
 * token never appears in a URL. The action bounds the exchange (api/exchange.ts).
 */
import { doRequest, Request } from '@alicloud/credentials/dist/src/providers/http.js'
import { timestamp } from '@alicloud/credentials/dist/src/util/utils.js'
import { toApiError, unparsable } from '../api/errors.js'
import { bounded } from '../api/exchange.js'
import { record, text } from '../api/parse.js'
import type { Endpoint } from '../inputs/settings.js'
import type { Log } from '../log.js'

export const STS_API_VERSION = '2015-04-01'
const ACTION = 'AssumeRoleWithOIDC'

export interface StsCredentials {
  accessKeyId: string
  accessKeySecret: string
  securityToken: string
  /** Epoch ms. */
  expiresAt: number
}

export interface AssumeRoleWithOidcParams {
  roleArn: string
  providerArn: string
  oidcToken: string
  sessionName: string
  durationSeconds: number
}

export interface StsClient {
  assumeRoleWithOidc(params: AssumeRoleWithOidcParams): Promise<StsCredentials>
}

/** The request, field for field as `@alicloud/credentials` builds it. */
export function assumeRoleRequest(endpoint: Endpoint, params: AssumeRoleWithOidcParams): Request {
  return Request.builder()
    .withMethod('POST')
    .withProtocol(endpoint.protocol)
    .withHost(endpoint.host)
    .withQueries({
      Version: STS_API_VERSION,
      Action: ACTION,
      Format: 'JSON',
      Timestamp: timestamp()
    })
    .withBodyForm({
      OIDCProviderArn: params.providerArn,
      OIDCToken: params.oidcToken,
      RoleArn: params.roleArn,
      RoleSessionName: params.sessionName,
      DurationSeconds: `${params.durationSeconds}`
    })
    .withHeaders({ 'Content-Type': 'application/x-www-form-urlencoded' })
    .withReadTimeout(10_000)
    .withConnectTimeout(5_000)
    .build()
}

export function createStsClient(options: {
  endpoint: Endpoint
  log: Log
  now?: () => number
}): StsClient {
  const now = options.now ?? Date.now
  return {
    async assumeRoleWithOidc(params) {
      const resource = `role ${params.roleArn}`
      options.log.debug(`→ ${ACTION} (parameters in the body)`)
      let response: { statusCode: number; body: Buffer }
      try {
        response = await bounded(() => doRequest(assumeRoleRequest(options.endpoint, params)))
      } catch (error) {
        throw toApiError(ACTION, error, resource)
      }
      const body = parseBody(response.body, resource)
      options.log.debug(
        `← ${ACTION} HTTP ${response.statusCode} RequestId ${text(body.RequestId) ?? '-'}`
      )
      if (response.statusCode !== 200 || text(body.Code))
        throw toApiError(ACTION, { data: { ...body, statusCode: response.statusCode } }, resource)
      return credentialsOf(body, resource, now() + params.durationSeconds * 1000)
    }
  }
}

function parseBody(body: Buffer, resource: string): Record<string, unknown> {
  try {
    return record(JSON.parse(body.toString('utf8')))
  } catch {
    // Never quote the body: it may hold a secret.
    throw unparsable(ACTION, `the answer is not JSON (${body.length} bytes)`, resource)
  }
}

function credentialsOf(
  body: Record<string, unknown>,
  resource: string,
  fallbackExpiry: number
): StsCredentials {
  const credentials = record(body.Credentials)
  const accessKeyId = text(credentials.AccessKeyId)
  const accessKeySecret = text(credentials.AccessKeySecret)
  const securityToken = text(credentials.SecurityToken)
  if (!accessKeyId || !accessKeySecret || !securityToken)
    throw unparsable(ACTION, 'the response has no Credentials', resource)
  const expiration = Date.parse(text(credentials.Expiration) ?? '')
  return {
    accessKeyId,
    accessKeySecret,
    securityToken,
    expiresAt: Number.isFinite(expiration) ? expiration : fallbackExpiry
  }
}
