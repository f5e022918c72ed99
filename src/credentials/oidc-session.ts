/**
 * Credentials from an OIDC token exchanged with STS AssumeRoleWithOIDC,
 * renewed ahead of their expiry with a fresh token, so a wait of several hours
 * keeps working whatever the session lifetime. Shared by the GitHub OIDC and
 * the token-file sources. Every secret obtained is masked first.
 */
import { InputError } from '../api/errors.js'
import { withRetry } from '../api/retry.js'
import { Inputs } from '../constants.js'
import type { RunOrigin } from '../github.js'
import { formatDuration } from '../inputs/duration.js'
import { renewAt, type SessionKeys, SessionCredentials } from './session.js'
import type { CredentialInputs, ProviderContext } from './source.js'
import { createStsClient } from './sts.js'

export interface OidcRole {
  roleArn: string
  providerArn: string
  sessionName: string
  durationSeconds: number
}

const MIN_SESSION_SECONDS = 900
const MAX_SESSION_SECONDS = 43_200
/** How long one role assumption may keep retrying (inside the step's deadline). */
const STS_RETRY_BUDGET_MS = 60_000

/** A valid RoleSessionName (2–64 of A-Za-z0-9.@_-) derived from the run. */
export function deriveSessionName(origin: RunOrigin): string {
  const raw = `github-${origin.runId ?? 'local'}-${origin.runAttempt ?? '1'}`
  return raw.replace(/[^A-Za-z0-9.@_-]/g, '-').slice(0, 64)
}

export function checkSessionName(sessionName: string): string {
  if (!/^[A-Za-z0-9.@_-]{2,64}$/.test(sessionName))
    throw new InputError(
      Inputs.RoleSessionName,
      `"${sessionName}" must be 2 to 64 characters of A-Z a-z 0-9 . @ _ -`
    )
  return sessionName
}

export function sessionSeconds(inputs: CredentialInputs): number {
  const text = inputs[Inputs.RoleSessionExpiration] ?? '3600'
  const seconds = Number(text)
  if (!Number.isInteger(seconds) || seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS)
    throw new InputError(
      Inputs.RoleSessionExpiration,
      `must be a whole number of seconds from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}, not "${text}"`
    )
  return seconds
}

/** A fresh OIDC token is asked for again when STS says the last one expired between issue and check. */
const EXPIRED_TOKEN = 'AuthenticationFail.OIDCToken.Expired'

export class OidcCredentials extends SessionCredentials {
  constructor(
    private readonly role: OidcRole,
    /** A fresh OIDC token (GitHub's ID token, or the token file's content). */
    private readonly token: () => Promise<string>,
    private readonly context: ProviderContext
  ) {
    super(context.clock, context.log, 'oidc_role_arn')
  }

  protected async obtain(): Promise<SessionKeys> {
    const { clock, log, mask } = this.context
    const sts = createStsClient({
      endpoint: this.context.stsEndpoint,
      route: this.context.route,
      log
    })
    const obtainedAt = clock.now()
    const keys = await withRetry(
      'AssumeRoleWithOIDC',
      async () => {
        const oidcToken = await this.token()
        mask(oidcToken)
        return sts.assumeRoleWithOidc({ ...this.role, oidcToken })
      },
      {
        clock,
        log,
        deadline: obtainedAt + STS_RETRY_BUDGET_MS,
        recover: [(error) => error.code === EXPIRED_TOKEN]
      },
      `role ${this.role.roleArn}`
    )
    mask(keys.accessKeySecret)
    mask(keys.securityToken)
    const renewedIn = renewAt(obtainedAt, keys.lifetimeMs) - obtainedAt
    log.info(
      `${this.renewals === 0 ? 'Assumed' : 'Renewed'} role ${this.role.roleArn} (session ${this.role.sessionName}); valid for ${formatDuration(keys.lifetimeMs)}, renewed in ${formatDuration(renewedIn)}.`
    )
    return keys
  }
}
