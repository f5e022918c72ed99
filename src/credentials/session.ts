/**
 * Temporary credentials that renew themselves before they expire (OIDC
 * sessions, the instance's RAM role): a wait of several hours keeps working
 * whatever the session lifetime. Renewed when a quarter of the session is left
 * (at most 5 minutes early), and once more when the service refuses a token as
 * expired (`invalidate`). A failed renewal keeps a session that is still valid.
 */
import type { Clock } from '../clock.js'
import { describeError } from '../api/errors.js'
import type { Log } from '../log.js'
import type { CredentialProvider, Credentials } from './provider.js'

export interface SessionKeys {
  accessKeyId: string
  accessKeySecret: string
  securityToken: string
  /** Epoch ms. */
  expiresAt: number
}

/** Renew when a quarter of the session is left, and at most 5 minutes before the end. */
export function renewAt(obtainedAt: number, expiresAt: number): number {
  return expiresAt - Math.min(5 * 60_000, (expiresAt - obtainedAt) / 4)
}

type Session = SessionKeys & { obtainedAt: number }

export abstract class SessionCredentials implements CredentialProvider {
  private session?: Session
  private renewing?: Promise<Session>
  renewals = 0

  protected constructor(
    protected readonly clock: Clock,
    protected readonly log: Log,
    /** The provider's name, as the vendor's SDK reports it. */
    private readonly providerName: string
  ) {}

  /** A new session; its secrets masked before anything can log them. */
  protected abstract obtain(): Promise<SessionKeys>

  async getCredential(): Promise<Credentials> {
    const current = this.session
    if (!current || this.clock.now() >= renewAt(current.obtainedAt, current.expiresAt)) {
      this.renewing ??= this.renew().finally(() => (this.renewing = undefined))
      try {
        this.session = await this.renewing
      } catch (error) {
        // Keep using a session that is still valid; fail only once it is not.
        if (!current || this.clock.now() >= current.expiresAt - 10_000) throw error
        this.log.warning(
          `Could not renew the credentials yet (${describeError(error)}); the current ones are valid until ${new Date(current.expiresAt).toISOString()}.`
        )
      }
    }
    const session = this.session!
    return {
      accessKeyId: session.accessKeyId,
      accessKeySecret: session.accessKeySecret,
      securityToken: session.securityToken,
      type: 'sts',
      providerName: this.providerName
    }
  }

  invalidate(): boolean {
    this.session = undefined
    return true
  }

  private async renew(): Promise<Session> {
    const obtainedAt = this.clock.now()
    const keys = await this.obtain()
    this.renewals++
    return { ...keys, obtainedAt }
  }
}
