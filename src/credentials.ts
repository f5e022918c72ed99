/**
 * Where the signing keys come from. Only the source the user configured is used:
 * nothing here falls back to the SDK's default chain, which may probe instance
 * metadata for seconds on a runner that is not an ECS instance.
 */
import * as core from '@actions/core'
import type { CredentialSource } from './sdk.js'
import type { CredentialSettings } from './inputs.js'

export function staticCredential(
  accessKeyId: string,
  accessKeySecret: string,
  securityToken?: string
): CredentialSource {
  const model = {
    accessKeyId,
    accessKeySecret,
    securityToken,
    type: securityToken ? 'sts' : 'access_key',
    providerName: 'static'
  }
  return { getCredential: async () => model }
}

/** Masks every secret in the settings: call before anything is logged. */
export function maskSecrets(settings: CredentialSettings): void {
  if (settings.kind === 'static') {
    core.setSecret(settings.accessKeySecret)
    if (settings.securityToken) core.setSecret(settings.securityToken)
  }
}

export function describeSource(settings: CredentialSettings): string {
  if (settings.kind === 'oidc') {
    return settings.token.source === 'github'
      ? `GitHub OIDC, role ${settings.roleArn}`
      : `OIDC token file ALIBABA_CLOUD_OIDC_TOKEN_FILE, role ${settings.roleArn}`
  }
  const kind = settings.securityToken ? 'STS token' : 'AccessKey'
  return settings.source === 'inputs'
    ? `${kind} from the access-key-id input`
    : `${kind} from ALIBABA_CLOUD_ACCESS_KEY_ID`
}
