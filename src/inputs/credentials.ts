/**
 * Which credentials this run uses, from the credential inputs (read by
 * settings.ts, the only reader of inputs) and the environment.
 */
import { InputError } from '../api/errors.js'
import { Inputs } from '../constants.js'
import type { RunOrigin } from '../github.js'

type Env = Record<string, string | undefined>
/** The credential inputs' trimmed values, undefined when empty. */
export type CredentialInputs = Partial<
  Record<
    | typeof Inputs.AccessKeyId
    | typeof Inputs.AccessKeySecret
    | typeof Inputs.SecurityToken
    | typeof Inputs.RoleToAssume
    | typeof Inputs.OidcProviderArn
    | typeof Inputs.RoleSessionName
    | typeof Inputs.RoleSessionExpiration
    | typeof Inputs.Audience
    | typeof Inputs.EcsRamRole,
    string
  >
>

/** The names of the credential inputs, for settings.ts to read. */
export const CREDENTIAL_INPUTS = [
  Inputs.AccessKeyId,
  Inputs.AccessKeySecret,
  Inputs.SecurityToken,
  Inputs.RoleToAssume,
  Inputs.OidcProviderArn,
  Inputs.RoleSessionName,
  Inputs.RoleSessionExpiration,
  Inputs.Audience,
  Inputs.EcsRamRole
] as const

export const MIN_SESSION_SECONDS = 900
export const MAX_SESSION_SECONDS = 43_200

export type CredentialSettings =
  | {
      kind: 'static'
      source: 'inputs' | 'environment'
      accessKeyId: string
      accessKeySecret: string
      securityToken?: string
    }
  | {
      kind: 'oidc'
      roleArn: string
      providerArn: string
      sessionName: string
      durationSeconds: number
      /** Where each OIDC token comes from: the job's GitHub ID token, or a token file. */
      token: { source: 'github'; audience: string } | { source: 'file'; path: string }
    }
  | {
      kind: 'ecs-ram-role'
      /** The RAM role attached to the runner's ECS instance. */
      roleName: string
    }

function checkSessionName(sessionName: string): void {
  if (!/^[A-Za-z0-9.@_-]{2,64}$/.test(sessionName)) {
    throw new InputError(
      Inputs.RoleSessionName,
      `"${sessionName}" must be 2 to 64 characters of A-Z a-z 0-9 . @ _ -`
    )
  }
}

/** A valid RoleSessionName (2–64 of A-Za-z0-9.@_-) derived from the run. */
export function deriveSessionName(origin: RunOrigin): string {
  const raw = `github-${origin.runId ?? 'local'}-${origin.runAttempt ?? '1'}`
  return raw.replace(/[^A-Za-z0-9.@_-]/g, '-').slice(0, 64)
}

function sessionSeconds(inputs: CredentialInputs): number {
  const text = inputs[Inputs.RoleSessionExpiration] ?? '3600'
  const seconds = Number(text)
  if (
    !Number.isInteger(seconds) ||
    seconds < MIN_SESSION_SECONDS ||
    seconds > MAX_SESSION_SECONDS
  ) {
    throw new InputError(
      Inputs.RoleSessionExpiration,
      `must be a whole number of seconds from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}, not "${text}"`
    )
  }
  return seconds
}

/**
 * The one credential source this run uses, in a fixed order, none probed:
 * 1. role-to-assume + oidc-provider-arn (GitHub OIDC);
 * 2. access-key-id + access-key-secret (+ security-token) inputs;
 * 3. ALIBABA_CLOUD_ACCESS_KEY_ID + _SECRET (+ ALIBABA_CLOUD_SECURITY_TOKEN);
 * 4. ALIBABA_CLOUD_ROLE_ARN + ALIBABA_CLOUD_OIDC_PROVIDER_ARN + ALIBABA_CLOUD_OIDC_TOKEN_FILE.
 */
export function credentialSettings(
  inputs: CredentialInputs,
  env: Env,
  origin: RunOrigin
): CredentialSettings {
  const sessionName = deriveSessionName(origin)
  if (inputs[Inputs.EcsRamRole]) return ecsRamRoleInputs(inputs)
  if (inputs[Inputs.RoleToAssume] || inputs[Inputs.OidcProviderArn])
    return oidcInputs(inputs, env, sessionName)
  const keys = keyInputs(inputs)
  if (keys) return keys
  const found = environmentCredentials(inputs, env, sessionName)
  if (found) return found
  throw new InputError(
    Inputs.AccessKeyId,
    `and the other credential inputs are empty, and ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set: give ${Inputs.RoleToAssume} with ${Inputs.OidcProviderArn} (GitHub OIDC), or ${Inputs.AccessKeyId} with ${Inputs.AccessKeySecret}`
  )
}

/** The instance's RAM role: exclusive with every other credential input. */
function ecsRamRoleInputs(inputs: CredentialInputs): CredentialSettings {
  const roleName = inputs[Inputs.EcsRamRole]!
  const others = [
    Inputs.AccessKeyId,
    Inputs.AccessKeySecret,
    Inputs.SecurityToken,
    Inputs.RoleToAssume,
    Inputs.OidcProviderArn
  ].filter((name) => inputs[name])
  if (others.length)
    throw new InputError(
      Inputs.EcsRamRole,
      `cannot be combined with ${others.join(', ')}; choose one way to authenticate`
    )
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(roleName))
    throw new InputError(
      Inputs.EcsRamRole,
      `${JSON.stringify(roleName)} is not a RAM role name (1 to 64 of A-Z a-z 0-9 . _ -)`
    )
  return { kind: 'ecs-ram-role', roleName }
}

/** ARNs are checked against the whole value: nothing may follow them (a line break, a command). */
const ROLE_ARN = /^acs:ram::\d+:role\/[A-Za-z0-9._@+=,/-]+$/i
const PROVIDER_ARN = /^acs:ram::\d+:oidc-provider\/[A-Za-z0-9._@+=,/-]+$/i

function oidcInputs(inputs: CredentialInputs, env: Env, derived: string): CredentialSettings {
  const roleArn = inputs[Inputs.RoleToAssume]
  const providerArn = inputs[Inputs.OidcProviderArn]
  if (!roleArn)
    throw new InputError(Inputs.RoleToAssume, `is required with ${Inputs.OidcProviderArn}`)
  if (!providerArn)
    throw new InputError(Inputs.OidcProviderArn, `is required with ${Inputs.RoleToAssume}`)
  if (inputs[Inputs.AccessKeyId] || inputs[Inputs.AccessKeySecret]) {
    throw new InputError(
      Inputs.RoleToAssume,
      `cannot be combined with ${Inputs.AccessKeyId}/${Inputs.AccessKeySecret}; choose one way to authenticate`
    )
  }
  if (!ROLE_ARN.test(roleArn)) {
    throw new InputError(
      Inputs.RoleToAssume,
      `${JSON.stringify(roleArn)} is not a RAM role ARN (acs:ram::<account-id>:role/<name>)`
    )
  }
  if (!PROVIDER_ARN.test(providerArn)) {
    throw new InputError(
      Inputs.OidcProviderArn,
      `${JSON.stringify(providerArn)} is not an OIDC provider ARN (acs:ram::<account-id>:oidc-provider/<name>)`
    )
  }
  const sessionName = inputs[Inputs.RoleSessionName] ?? derived
  checkSessionName(sessionName)
  const durationSeconds = sessionSeconds(inputs)
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new InputError(
      Inputs.RoleToAssume,
      'needs the job\'s GitHub ID token, but the runner did not offer one (ACTIONS_ID_TOKEN_REQUEST_URL is not set): add "permissions: id-token: write" to the workflow or the job'
    )
  }
  return {
    kind: 'oidc',
    roleArn,
    providerArn,
    sessionName,
    durationSeconds,
    token: { source: 'github', audience: inputs[Inputs.Audience] ?? 'sts.aliyuncs.com' }
  }
}

function keyInputs(inputs: CredentialInputs): CredentialSettings | undefined {
  const accessKeyId = inputs[Inputs.AccessKeyId]
  const accessKeySecret = inputs[Inputs.AccessKeySecret]
  const securityToken = inputs[Inputs.SecurityToken]
  if (!accessKeyId && !accessKeySecret && !securityToken) return undefined
  if (!accessKeyId)
    throw new InputError(
      Inputs.AccessKeyId,
      `is required with ${accessKeySecret ? Inputs.AccessKeySecret : Inputs.SecurityToken}`
    )
  if (!accessKeySecret)
    throw new InputError(Inputs.AccessKeySecret, `is required with ${Inputs.AccessKeyId}`)
  return { kind: 'static', source: 'inputs', accessKeyId, accessKeySecret, securityToken }
}

/** The vendor's variables: keys, or OIDC with a token file kept fresh by whatever wrote it. */
function environmentCredentials(
  inputs: CredentialInputs,
  env: Env,
  derived: string
): CredentialSettings | undefined {
  const envId = env.ALIBABA_CLOUD_ACCESS_KEY_ID?.trim()
  const envSecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET?.trim()
  if (envId && envSecret) {
    return {
      kind: 'static',
      source: 'environment',
      accessKeyId: envId,
      accessKeySecret: envSecret,
      securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN?.trim() || undefined
    }
  }
  const envRole = env.ALIBABA_CLOUD_ROLE_ARN?.trim()
  const envProvider = env.ALIBABA_CLOUD_OIDC_PROVIDER_ARN?.trim()
  const envTokenFile = env.ALIBABA_CLOUD_OIDC_TOKEN_FILE?.trim()
  if (envRole && envProvider && envTokenFile) {
    const sessionName =
      env.ALIBABA_CLOUD_ROLE_SESSION_NAME?.trim() || inputs[Inputs.RoleSessionName] || derived
    checkSessionName(sessionName)
    return {
      kind: 'oidc',
      roleArn: envRole,
      providerArn: envProvider,
      sessionName,
      durationSeconds: sessionSeconds(inputs),
      token: { source: 'file', path: envTokenFile }
    }
  }
  return undefined
}
