/**
 * Credentials from an OIDC token exchanged with STS AssumeRoleWithOIDC, renewed
 * ahead of their expiry with a fresh token, so a wait of several hours keeps
 * working whatever the session lifetime. Every secret obtained is masked first.
 */
import type { Clock } from '../clock.js'
import type { Log } from '../log.js'
import { formatDuration } from '../inputs/duration.js'
import { ApiError, describeError } from '../api/errors.js'
import { withRetry } from '../api/retry.js'
import type { CredentialProvider, Credentials } from './provider.js'
import type { StsClient, StsCredentials } from './sts.js'

export interface OidcProviderOptions {
  roleArn: string
  providerArn: string
  sessionName: string
  durationSeconds: number
  /** A fresh OIDC token (GitHub's ID token, or the token file's content). */
  getToken: () => Promise<string>
  sts: StsClient
  clock: Clock
  log: Log
  mask: (secret: string) => void
}

/** Renew when a quarter of the session is left, and at most 5 minutes before the end. */
export function renewAt(obtainedAt: number, expiresAt: number): number {
  return expiresAt - Math.min(5 * 60_000, (expiresAt - obtainedAt) / 4)
}

const STS_RETRY_BUDGET_MS = 60_000

export class OidcCredentials implements CredentialProvider {
  private session?: StsCredentials & { obtainedAt: number }
  private renewing?: Promise<StsCredentials & { obtainedAt: number }>
  renewals = 0

  constructor(private readonly options: OidcProviderOptions) {}

  async getCredential(): Promise<Credentials> {
    const { clock, log } = this.options
    const current = this.session
    if (!current || clock.now() >= renewAt(current.obtainedAt, current.expiresAt)) {
      this.renewing ??= this.assume().finally(() => (this.renewing = undefined))
      try {
        this.session = await this.renewing
      } catch (error) {
        // Keep using a session that is still valid; fail only once it is not.
        if (current && clock.now() < current.expiresAt - 10_000) {
          log.warning(
            `Could not renew the role session yet (${describeError(error)}); the current one is valid until ${new Date(current.expiresAt).toISOString()}.`
          )
        } else {
          throw error
        }
      }
    }
    const session = this.session!
    return {
      accessKeyId: session.accessKeyId,
      accessKeySecret: session.accessKeySecret,
      securityToken: session.securityToken,
      type: 'sts',
      providerName: 'oidc_role_arn'
    }
  }

  invalidate(): boolean {
    this.session = undefined
    return true
  }

  private async assume(): Promise<StsCredentials & { obtainedAt: number }> {
    const { clock, log, mask, sts } = this.options
    const obtainedAt = clock.now()
    const exchange = async (): Promise<StsCredentials> => {
      const oidcToken = await this.options.getToken()
      mask(oidcToken)
      return sts.assumeRoleWithOidc({
        roleArn: this.options.roleArn,
        providerArn: this.options.providerArn,
        oidcToken,
        sessionName: this.options.sessionName,
        durationSeconds: this.options.durationSeconds
      })
    }
    const credentials = await withRetry(
      'AssumeRoleWithOIDC',
      async () => {
        try {
          return await exchange()
        } catch (error) {
          // A token can expire between its issue and its check: one more, fresh one.
          if (error instanceof ApiError && error.code === 'AuthenticationFail.OIDCToken.Expired')
            return exchange()
          throw error
        }
      },
      { clock, log, deadline: obtainedAt + STS_RETRY_BUDGET_MS },
      `role ${this.options.roleArn}`
    )
    mask(credentials.accessKeySecret)
    mask(credentials.securityToken)
    this.renewals++
    const lifetime = credentials.expiresAt - obtainedAt
    log.info(
      `${this.renewals === 1 ? 'Assumed' : 'Renewed'} role ${this.options.roleArn} (session ${this.options.sessionName}); valid for ${formatDuration(lifetime)}, renewed ${formatDuration(credentials.expiresAt - renewAt(obtainedAt, credentials.expiresAt))} before it ends.`
    )
    return { ...credentials, obtainedAt }
  }
}
