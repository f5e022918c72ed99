/**
 * What the signing code asks for: keys, from the one source this run's
 * settings chose (./sources.ts). Nothing here falls back to the SDK's default
 * chain, which may probe instance metadata for seconds on a runner that is not
 * an ECS instance.
 */
import { ApiError } from '../api/errors.js'

export interface Credentials {
  accessKeyId: string
  accessKeySecret: string
  securityToken?: string
  /** As the vendor's SDK names its providers (`static`, `oidc_role_arn`, `ecs_ram_role`). */
  providerName?: string
}

export interface CredentialProvider {
  /** Keys to sign the next request with; an ApiError when there are none to be had. */
  getCredential(): Promise<Credentials>
  /**
   * The service refused the keys (`error`). A source that can renew them does
   * so and returns true (one more try is worth it); one that cannot marks them
   * dead, so they are never used again, and returns false.
   */
  refused(error: ApiError): boolean
  /** Why the keys are dead, once the service refused keys that cannot be renewed. */
  readonly dead?: ApiError
}

/** Codes by which the service refuses the keys themselves. */
const REFUSALS = new Set([
  'InvalidSecurityToken.Expired',
  'SecurityTokenExpired',
  'InvalidSecurityToken.Malformed',
  'InvalidSecurityToken.MismatchWithAccessKey',
  'InvalidAccessKeyId.NotFound',
  'InvalidAccessKeyId.Inactive',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch'
])

/** Refusals that a renewed session can cure. */
export const EXPIRED = new Set(['InvalidSecurityToken.Expired', 'SecurityTokenExpired'])

export function refusesKeys(error: ApiError): boolean {
  return REFUSALS.has(error.code)
}

/** Keys given as inputs or in the environment: they cannot be renewed. */
export class StaticCredentials implements CredentialProvider {
  private readonly credentials: Credentials
  dead?: ApiError

  constructor(accessKeyId: string, accessKeySecret: string, securityToken?: string) {
    this.credentials = { accessKeyId, accessKeySecret, securityToken, providerName: 'static' }
  }

  async getCredential(): Promise<Credentials> {
    if (this.dead) throw deadKeys(this.dead)
    return this.credentials
  }

  refused(error: ApiError): boolean {
    if (refusesKeys(error)) this.dead ??= error
    return false
  }
}

/** The error every later call gets once the keys are dead: no request is sent with them. */
export function deadKeys(refusal: ApiError): ApiError {
  return new ApiError({
    operation: refusal.operation,
    code: refusal.code,
    message: `the service refused these credentials earlier in this step (${refusal.apiMessage}), so they are not used again`,
    requestId: refusal.requestId,
    transient: false,
    throttled: false,
    reached: false
  })
}
