/**
 * Credential source: GitHub OIDC. The job's ID token (credentials/id-token.ts)
 * is exchanged with STS AssumeRoleWithOIDC for temporary keys, renewed with a
 * fresh token before they expire: no long-lived keys in the repository.
 */
import { InputError } from '../api/errors.js'
import { Inputs } from '../constants.js'
import { requestIdToken, type IdTokenSource } from './id-token.js'
import {
  checkSessionName,
  deriveSessionName,
  type OidcRole,
  OidcCredentials,
  sessionSeconds
} from './oidc-session.js'
import type { CredentialInputs, CredentialSource } from './source.js'

interface GithubOidcSettings extends OidcRole {
  token: IdTokenSource
}

/** ARNs are checked against the whole value: nothing may follow them (a line break, a command). */
const ROLE_ARN = /^acs:ram::\d+:role\/[A-Za-z0-9._@+=,/-]+$/i
const PROVIDER_ARN = /^acs:ram::\d+:oidc-provider\/[A-Za-z0-9._@+=,/-]+$/i

const DEFAULT_AUDIENCE = 'sts.aliyuncs.com'

export const githubOidc: CredentialSource<GithubOidcSettings> = {
  name: 'GitHub OIDC',
  chosenBy: [Inputs.RoleToAssume, Inputs.OidcProviderArn],
  reads: [Inputs.RoleSessionName, Inputs.RoleSessionExpiration, Inputs.Audience],
  choose(inputs, env, origin) {
    const role = oidcRole(inputs, inputs[Inputs.RoleSessionName] ?? deriveSessionName(origin))
    const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL
    const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
    if (!requestUrl || !requestToken)
      throw new InputError(
        Inputs.RoleToAssume,
        'needs the job\'s GitHub ID token, but the runner did not offer one (ACTIONS_ID_TOKEN_REQUEST_URL is not set): add "permissions: id-token: write" to the workflow or the job'
      )
    const audience = inputs[Inputs.Audience] ?? DEFAULT_AUDIENCE
    return { ...role, token: { requestUrl, requestToken, audience } }
  },
  secrets: (settings) => [settings.token.requestToken],
  describe: (settings) => `GitHub OIDC, role ${settings.roleArn}`,
  obtainTitle: 'Assuming the RAM role with OIDC',
  renewable: true,
  // A fresh ID token for every session: GitHub's ID tokens live minutes, not hours.
  create: (settings, context) =>
    new OidcCredentials(settings, () => requestIdToken(settings.token, context.route), context)
}

/** The role and provider ARNs, the session name and its lifetime, checked. */
function oidcRole(inputs: CredentialInputs, sessionName: string): OidcRole {
  const roleArn = inputs[Inputs.RoleToAssume]
  const providerArn = inputs[Inputs.OidcProviderArn]
  if (!roleArn)
    throw new InputError(Inputs.RoleToAssume, `is required with ${Inputs.OidcProviderArn}`)
  if (!providerArn)
    throw new InputError(Inputs.OidcProviderArn, `is required with ${Inputs.RoleToAssume}`)
  if (!ROLE_ARN.test(roleArn))
    throw new InputError(
      Inputs.RoleToAssume,
      `${JSON.stringify(roleArn)} is not a RAM role ARN (acs:ram::<account-id>:role/<name>)`
    )
  if (!PROVIDER_ARN.test(providerArn))
    throw new InputError(
      Inputs.OidcProviderArn,
      `${JSON.stringify(providerArn)} is not an OIDC provider ARN (acs:ram::<account-id>:oidc-provider/<name>)`
    )
  return {
    roleArn,
    providerArn,
    sessionName: checkSessionName(sessionName),
    durationSeconds: sessionSeconds(inputs)
  }
}
