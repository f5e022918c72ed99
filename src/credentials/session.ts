/**
 * Temporary credentials that renew themselves before they expire (OIDC
 * sessions, the instance's RAM role): a wait of several hours keeps working
 * whatever the session lifetime. A session's lifetime is read on the service's
 * clock and kept on the monotonic one, so a runner clock that is off neither
 * renews it on every request nor keeps it past its end. Renewed when a quarter
 * of it is left (at most 5 minutes early, never more often than once a
 * minute), and once more when the service refuses it as expired. A failed
 * renewal keeps a session that is still valid.
 */
import type { Clock } from '../clock.js'
import { type ApiError, describeError } from '../api/errors.js'
import type { Log } from '../log.js'
import {
  type CredentialProvider,
  type Credentials,
  deadKeys,
  EXPIRED,
  refusesKeys
} from './provider.js'

export interface SessionKeys {
  accessKeyId: string
  accessKeySecret: string
  securityToken: string
  /** How long the keys are valid from when they were obtained, by the service's own clock. */
  lifetimeMs: number
}

/** Keys that look expired on arrival are used anyway, and asked for again after this long, not on every request. */
const EXPIRED_ON_ARRIVAL_RETRY_MS = 60_000

/** When to renew: a quarter of the session left, at most 5 minutes early. */
export function renewAt(obtainedAt: number, lifetimeMs: number): number {
  if (lifetimeMs <= 0) return obtainedAt + EXPIRED_ON_ARRIVAL_RETRY_MS
  return obtainedAt + lifetimeMs - Math.min(5 * 60_000, lifetimeMs / 4)
}

/**
 * How long keys live, from the service's times: `Expiration` against its own
 * clock (its Date header has whole seconds, so a second less), else ours.
 */
export function lifetime(
  expiration: string | undefined,
  serviceNow: number | undefined,
  fallbackMs: number
): number {
  const end = Date.parse(expiration ?? '')
  if (!Number.isFinite(end)) return fallbackMs
  return serviceNow === undefined ? end - Date.now() : end - serviceNow - 1000
}

type Session = SessionKeys & { obtainedAt: number }

export abstract class SessionCredentials implements CredentialProvider {
  private session?: Session
  private renewing?: Promise<Session>
  dead?: ApiError
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
    if (this.dead) throw deadKeys(this.dead)
    const current = this.session
    if (!current || this.clock.now() >= renewAt(current.obtainedAt, current.lifetimeMs))
      await this.renewFrom(current)
    const session = this.session!
    return {
      accessKeyId: session.accessKeyId,
      accessKeySecret: session.accessKeySecret,
      securityToken: session.securityToken,
      providerName: this.providerName
    }
  }

  /** An expired session is renewed (true); any other refusal of the keys makes them dead. */
  refused(error: ApiError): boolean {
    if (EXPIRED.has(error.code) && this.session) {
      this.session = undefined
      return true
    }
    if (refusesKeys(error)) this.dead ??= error
    return false
  }

  private async renewFrom(current: Session | undefined): Promise<void> {
    this.renewing ??= this.renew().finally(() => (this.renewing = undefined))
    try {
      this.session = await this.renewing
    } catch (error) {
      // Keep using a session that is still valid; fail only once it is not.
      const left = current ? current.obtainedAt + current.lifetimeMs - this.clock.now() : 0
      if (left < 10_000) throw error
      this.log.warning(
        `Could not renew the credentials yet (${describeError(error)}); the current ones are valid for ${Math.round(left / 1000)}s more.`
      )
    }
  }

  private async renew(): Promise<Session> {
    const obtainedAt = this.clock.now()
    const keys = await this.obtain()
    this.renewals++
    return { ...keys, obtainedAt }
  }
}
