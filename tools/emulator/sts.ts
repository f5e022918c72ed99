/**
 * The emulator's STS: AssumeRoleWithOIDC (anonymous: the OIDC token is the
 * proof), checking what the real service checks, and issuing keys that the
 * ECS side then accepts until they expire.
 */
import { randomUUID } from 'node:crypto'
import type { TokenVerdict } from '../id-token.js'
import type { Credential } from './auth.js'
import { type ApiFault, fault } from './http.js'

/** Which role and provider exist, what token it trusts, how long sessions last. */
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

export interface StsState {
  options: StsOptions
  credentials: Map<string, Credential>
  sessions: IssuedSession[]
  now: number
}

export function assumeRoleWithOidc(
  params: Record<string, string>,
  version: string | undefined,
  state: StsState
): ApiFault | Record<string, unknown> {
  const refused = checkRequest(params, version, state.options)
  if (refused) return refused
  const verdict = state.options.verify(params.OIDCToken)
  if (!verdict.ok) return fault(401, verdict.code, verdict.message)
  if (verdict.claims.aud !== state.options.audience)
    return fault(401, 'AuthenticationFail.OIDCToken.AudienceNotMatch', 'Invalid audience.')
  if (verdict.claims.iss !== state.options.issuer)
    return fault(401, 'AuthenticationFail.OIDCToken.Invalid', 'The issuer is not trusted.')
  return issue(params, verdict.claims, state)
}

function checkRequest(
  params: Record<string, string>,
  version: string | undefined,
  sts: StsOptions
): ApiFault | undefined {
  if (version !== '2015-04-01')
    return fault(400, 'InvalidVersion', `Specified parameter Version is not valid: ${version}`)
  for (const name of ['RoleArn', 'OIDCProviderArn', 'OIDCToken', 'RoleSessionName'])
    if (!params[name])
      return fault(400, `MissingParameter.${name}`, `The parameter ${name} is required.`)
  if (params.OIDCProviderArn !== sts.providerArn)
    return fault(401, 'AuthenticationFail.NoPermission', 'No such OIDC Provider registered.')
  if (params.RoleArn !== sts.roleArn)
    return fault(404, 'EntityNotExist.Role', 'The specified Role not exists.')
  if (!/^[A-Za-z0-9.@_-]{2,64}$/.test(params.RoleSessionName))
    return fault(
      400,
      'InvalidParameter.RoleSessionName',
      'The parameter RoleSessionName is wrongly formed.'
    )
  const duration = Number(params.DurationSeconds ?? '3600')
  if (!Number.isInteger(duration) || duration < 900 || duration > 43_200)
    return fault(400, 'InvalidParameter.DurationSeconds', 'The DurationSeconds is out of range.')
  return undefined
}

function issue(
  params: Record<string, string>,
  claims: { sub: string; iss: string; aud: string },
  { options, credentials, sessions, now }: StsState
): Record<string, unknown> {
  const duration = Number(params.DurationSeconds ?? '3600')
  const expiresAt = now + (options.credentialTtlMs ?? duration * 1000)
  const accessKeyId = `STS.${randomUUID().replace(/-/g, '').slice(0, 20)}`
  const secret = randomUUID()
  const securityToken = `CAIS${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '')}`
  credentials.set(accessKeyId, { secret, securityToken, expiresAt })
  sessions.push({ accessKeyId, sessionName: params.RoleSessionName, issuedAt: now, expiresAt })
  return {
    Credentials: {
      AccessKeyId: accessKeyId,
      AccessKeySecret: secret,
      SecurityToken: securityToken,
      Expiration: new Date(expiresAt).toISOString()
    },
    AssumedRoleUser: {
      Arn: `${options.roleArn}/${params.RoleSessionName}`,
      AssumedRoleId: `3${now}:${params.RoleSessionName}`
    },
    OIDCTokenInfo: { Subject: claims.sub, Issuer: claims.iss, ClientIds: claims.aud }
  }
}
