/**
 * Request signature verification, written from the vendor's documented
 * algorithms (not from the SDK's code):
 *  - V3, ACS3-HMAC-SHA256 ("Request syntax and signature method V3"): a canonical
 *    request of method, URI, sorted query, signed headers and payload hash,
 *    hashed and signed with HMAC-SHA256.
 *  - V2 RPC, HMAC-SHA1 ("Signature method V2 for RPC APIs"): the sorted,
 *    percent-encoded parameters, signed with HMAC-SHA1 keyed by `secret&`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export interface IncomingSigned {
  method: string
  path: string
  /** Query pairs, decoded, in arrival order. */
  query: Array<[string, string]>
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>
  body: Buffer
}

export type Verdict =
  | { ok: true; accessKeyId: string; style: 'V3' | 'V2'; securityToken?: string }
  | { ok: false; code: string; message: string }

/** RFC 3986 percent-encoding, as both algorithms require. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

const UNKNOWN_KEY: Verdict = {
  ok: false,
  code: 'InvalidAccessKeyId.NotFound',
  message: 'Specified access key is not found.'
}
const MISMATCH: Verdict = {
  ok: false,
  code: 'SignatureDoesNotMatch',
  message: 'Specified signature is not matched with our calculation.'
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
}

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

function canonicalQuery(pairs: Array<[string, string]>): string {
  return pairs
    .map(([key, value]) => [percentEncode(key), percentEncode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&')
}

const incomplete = (message: string): Verdict => ({
  ok: false,
  code: 'IncompleteSignature',
  message
})

export function verifyV3(
  request: IncomingSigned,
  secretOf: (id: string) => string | undefined
): Verdict {
  const match =
    /^ACS3-HMAC-SHA256\s+Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$/.exec(
      (request.headers.authorization ?? '').trim()
    )
  if (!match) return incomplete('The Authorization header is malformed.')
  const [, accessKeyId, signedHeaderList, signature] = match
  const secret = secretOf(accessKeyId)
  if (secret === undefined) return UNKNOWN_KEY
  const unsigned = unsignedHeader(request, signedHeaderList.split(';'))
  if (unsigned) return incomplete(`The header ${unsigned} is not signed.`)
  const payloadHash = sha256Hex(request.body)
  if (request.headers['x-acs-content-sha256'] !== payloadHash)
    return incomplete('x-acs-content-sha256 does not match the body.')
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest(request, signedHeaderList, payloadHash))}`
  const expected = createHmac('sha256', secret).update(stringToSign).digest('hex')
  if (!equal(expected, signature)) return MISMATCH
  return {
    ok: true,
    accessKeyId,
    style: 'V3',
    securityToken: request.headers['x-acs-security-token']
  }
}

/** Every x-acs-* header, host and content-type must be signed: the first that is not. */
function unsignedHeader(request: IncomingSigned, signedHeaders: string[]): string | undefined {
  return Object.keys(request.headers).find(
    (name) =>
      (name === 'host' || name === 'content-type' || name.startsWith('x-acs-')) &&
      !signedHeaders.includes(name)
  )
}

/** V3's canonical request: method, URI, sorted query, signed headers and payload hash. */
function canonicalRequest(
  request: IncomingSigned,
  signedHeaderList: string,
  payloadHash: string
): string {
  const canonicalHeaders = signedHeaderList
    .split(';')
    .map((name) => `${name}:${(request.headers[name] ?? '').trim()}\n`)
    .join('')
  return [
    request.method.toUpperCase(),
    request.path || '/',
    canonicalQuery(request.query),
    canonicalHeaders,
    signedHeaderList,
    payloadHash
  ].join('\n')
}

export function verifyV2(
  method: string,
  params: Record<string, string>,
  secretOf: (id: string) => string | undefined
): Verdict {
  const { Signature: signature, AccessKeyId: accessKeyId } = params
  if (!signature || !accessKeyId) {
    return {
      ok: false,
      code: 'IncompleteSignature',
      message: 'The request signature does not conform to Aliyun standards.'
    }
  }
  if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') {
    return {
      ok: false,
      code: 'InvalidSignatureMethod',
      message: 'Specified signature method is not supported.'
    }
  }
  const secret = secretOf(accessKeyId)
  if (secret === undefined) {
    return UNKNOWN_KEY
  }
  const pairs = Object.entries(params).filter(([key]) => key !== 'Signature')
  const stringToSign = `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalQuery(pairs))}`
  const expected = createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64')
  if (!equal(expected, signature)) {
    return MISMATCH
  }
  return { ok: true, accessKeyId, style: 'V2', securityToken: params.SecurityToken }
}
