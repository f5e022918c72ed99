/**
 * Who is calling: the signature (V3 or V2, ./signature.ts), a nonce used once,
 * a timestamp within 15 minutes of the service's clock, and an STS token that
 * belongs to its key and has not expired.
 */
import { type ApiFault, fault } from './http.js'
import { type IncomingSigned, verifyV2, verifyV3 } from './signature.js'

export interface Credential {
  secret: string
  /** STS: the token that must come with this key, and when it stops working. */
  securityToken?: string
  expiresAt?: number
}

export interface Caller {
  style: 'V3' | 'V2'
  accessKeyId: string
}

export interface AuthContext {
  credentials: Map<string, Credential>
  nonces: Set<string>
  /** The emulator's clock, for STS tokens' expiry. */
  now: () => number
  /** The service's wall clock, for the request's timestamp. */
  serviceWall: () => number
}

export function authenticate(
  signed: IncomingSigned,
  params: Record<string, string>,
  context: AuthContext
): ApiFault | Caller {
  const secretOf = (id: string): string | undefined => context.credentials.get(id)?.secret
  const verdict = signed.headers.authorization
    ? verifyV3(signed, secretOf)
    : params.Signature
      ? verifyV2(signed.method, params, secretOf)
      : { ok: false as const, code: 'MissingSignature', message: 'The request is not signed.' }
  if (!verdict.ok)
    return fault(
      verdict.code === 'InvalidAccessKeyId.NotFound' ? 404 : 400,
      verdict.code,
      verdict.message
    )
  const replay = checkReplay(signed, params, context)
  if (replay) return replay
  const token = checkToken(
    context.credentials.get(verdict.accessKeyId)!,
    verdict.securityToken,
    context.now()
  )
  if (token) return token
  const version = signed.headers['x-acs-version'] ?? params.Version
  if (version !== '2014-05-26')
    return fault(400, 'InvalidVersion', `Specified parameter Version is not valid: ${version}`)
  return { style: verdict.style, accessKeyId: verdict.accessKeyId }
}

/** A nonce used once, and a timestamp within 15 minutes of the service's clock. */
function checkReplay(
  signed: IncomingSigned,
  params: Record<string, string>,
  context: AuthContext
): ApiFault | undefined {
  const nonce = signed.headers['x-acs-signature-nonce'] ?? params.SignatureNonce
  if (nonce) {
    if (context.nonces.has(nonce))
      return fault(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.')
    context.nonces.add(nonce)
  }
  const stamp = signed.headers['x-acs-date'] ?? params.Timestamp
  if (stamp && Math.abs(Date.parse(stamp) - context.serviceWall()) > 15 * 60_000)
    return fault(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')
  return undefined
}

function checkToken(
  credential: Credential,
  token: string | undefined,
  now: number
): ApiFault | undefined {
  const mismatch = () =>
    fault(
      400,
      'InvalidSecurityToken.MismatchWithAccessKey',
      'The security token does not match the access key.'
    )
  if (credential.securityToken === undefined) return token ? mismatch() : undefined
  if (token !== credential.securityToken) return mismatch()
  if (credential.expiresAt !== undefined && now >= credential.expiresAt)
    return fault(400, 'InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.')
  return undefined
}
