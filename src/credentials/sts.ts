/**
 * STS 2015-04-01 AssumeRoleWithOIDC: an anonymous RPC call (the OIDC token is
 * the proof), parameters in the form body so the token stays out of URLs.
 */
import type { Log } from '../log.js'
import { toApiError } from '../api/errors.js'
import { record, text } from '../api/parse.js'
import { createRpcClient } from '../api/rpc.js'

export const STS_API_VERSION = '2015-04-01'

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

export function createStsClient(options: {
  endpoint: string
  protocol: 'https' | 'http'
  log: Log
  now?: () => number
}): StsClient {
  const rpc = createRpcClient({ ...options, version: STS_API_VERSION })
  const now = options.now ?? Date.now
  return {
    async assumeRoleWithOidc(params) {
      const body = await rpc(
        'AssumeRoleWithOIDC',
        {
          RoleArn: params.roleArn,
          OIDCProviderArn: params.providerArn,
          OIDCToken: params.oidcToken,
          RoleSessionName: params.sessionName,
          DurationSeconds: String(params.durationSeconds)
        },
        { resource: `role ${params.roleArn}`, anonymous: true, body: true }
      )
      const credentials = record(body.Credentials)
      const accessKeyId = text(credentials.AccessKeyId)
      const accessKeySecret = text(credentials.AccessKeySecret)
      const securityToken = text(credentials.SecurityToken)
      if (!accessKeyId || !accessKeySecret || !securityToken) {
        throw toApiError(
          'AssumeRoleWithOIDC',
          { name: 'SyntaxError', message: 'the response has no Credentials' },
          `role ${params.roleArn}`
        )
      }
      const expiration = Date.parse(text(credentials.Expiration) ?? '')
      return {
        accessKeyId,
        accessKeySecret,
        securityToken,
        expiresAt: Number.isFinite(expiration) ? expiration : now() + params.durationSeconds * 1000
      }
    }
  }
}
