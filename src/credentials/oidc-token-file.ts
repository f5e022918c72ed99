/**
 * Credential source: the vendor's OIDC variables ALIBABA_CLOUD_ROLE_ARN,
 * ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE (a token
 * kept fresh by whatever wrote it), read again for every session.
 */
import { Inputs } from '../constants.js'
import {
  checkSessionName,
  deriveSessionName,
  type OidcRole,
  OidcCredentials,
  sessionSeconds
} from './oidc-session.js'
import type { CredentialSource } from './source.js'

interface TokenFileSettings extends OidcRole {
  path: string
}

export const oidcTokenFile: CredentialSource<TokenFileSettings> = {
  name: 'OIDC token file',
  chosenBy: [],
  reads: [Inputs.RoleSessionName, Inputs.RoleSessionExpiration],
  choose(inputs, env, origin) {
    const roleArn = env.ALIBABA_CLOUD_ROLE_ARN?.trim()
    const providerArn = env.ALIBABA_CLOUD_OIDC_PROVIDER_ARN?.trim()
    const path = env.ALIBABA_CLOUD_OIDC_TOKEN_FILE?.trim()
    if (!roleArn || !providerArn || !path) return undefined
    const sessionName =
      env.ALIBABA_CLOUD_ROLE_SESSION_NAME?.trim() ||
      inputs[Inputs.RoleSessionName] ||
      deriveSessionName(origin)
    return {
      roleArn,
      providerArn,
      path,
      sessionName: checkSessionName(sessionName),
      durationSeconds: sessionSeconds(inputs)
    }
  },
  secrets: () => [],
  describe: (settings) => `OIDC token file ALIBABA_CLOUD_OIDC_TOKEN_FILE, role ${settings.roleArn}`,
  obtainTitle: 'Assuming the RAM role with OIDC',
  renewable: true,
  create: (settings, context) =>
    new OidcCredentials(
      settings,
      async () => (await (await import('node:fs/promises')).readFile(settings.path, 'utf8')).trim(),
      context
    )
}
