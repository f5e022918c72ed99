/**
 * Credentials from an OIDC token exchanged with STS AssumeRoleWithOIDC, renewed
 * ahead of their expiry with a fresh token, so a wait of several hours keeps
 * working whatever the session lifetime. Every secret obtained is masked first.
 */
import type { Clock } from '../clock.js'
import type { Log } from '../log.js'
import { formatDuration } from '../inputs/duration.js'
import { ApiError } from '../api/errors.js'
import { withRetry } from '../api/retry.js'
import { renewAt, SessionCredentials } from './session.js'
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

const STS_RETRY_BUDGET_MS = 60_000

export class OidcCredentials extends SessionCredentials {
  constructor(private readonly options: OidcProviderOptions) {
    super(options.clock, options.log, 'oidc_role_arn')
  }

  protected obtain(): Promise<StsCredentials> {
    return this.assume()
  }

  private async assume(): Promise<StsCredentials> {
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
    const lifetime = credentials.expiresAt - obtainedAt
    log.info(
      `${this.renewals === 0 ? 'Assumed' : 'Renewed'} role ${this.options.roleArn} (session ${this.options.sessionName}); valid for ${formatDuration(lifetime)}, renewed ${formatDuration(credentials.expiresAt - renewAt(obtainedAt, credentials.expiresAt))} before it ends.`
    )
    return credentials
  }
}
