/**
 * What can go wrong with one HTTP exchange before there is an answer to read,
 * as one error type with a kind: classification reads the kind, never the text.
 */

type TransportKind =
  /** Not sent: the deadline leaves no time for it. */
  | 'deadline'
  /** No complete answer within the exchange's limit. */
  | 'timeout'
  /** The workflow run was cancelled. */
  | 'aborted'
  /** The answer (after decompression) is over the byte cap. */
  | 'too-large'
  /** The connection failed: refused, reset, unreachable, a name that does not resolve. */
  | 'network'
  /** The server's certificate was not accepted. */
  | 'tls'
  /** The answer is not HTTP: a bad status line, duplicate Content-Length, a body cut short. */
  | 'framing'
  /** A body in an encoding that was not asked for and cannot be read, or that does not inflate. */
  | 'encoding'
  /** The proxy refused to connect us (CONNECT answered with a status other than 200). */
  | 'proxy'

interface TransportFacts {
  kind: TransportKind
  /** Node's code (ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN, HPE_…), or the proxy's HTTP status. */
  code?: string
  /** Whether the request may have reached the server (a connect error never did). */
  reached: boolean
  /** The proxy the exchange went through (scheme://host:port, no credentials). */
  proxy?: string
  /** The proxy's answer to CONNECT, for kind 'proxy'. */
  proxyStatus?: number
}

/** The code of an exchange not sent because the deadline left no time for it. */
export const DEADLINE = 'DeadlineReached'

export class TransportError extends Error {
  readonly kind: TransportKind
  readonly code?: string
  readonly reached: boolean
  readonly proxy?: string
  readonly proxyStatus?: number

  constructor(facts: TransportFacts, message: string) {
    super(message)
    this.name = 'TransportError'
    this.kind = facts.kind
    this.code = facts.code
    this.reached = facts.reached
    this.proxy = facts.proxy
    this.proxyStatus = facts.proxyStatus
  }
}

/** Failures of the connection itself, in plain words. */
const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ECONNABORTED: 'the connection was aborted',
  EPIPE: 'the connection was closed while sending',
  ETIMEDOUT: 'the connection timed out',
  EAI_AGAIN: 'the host name could not be resolved (temporary DNS failure)',
  ENOTFOUND: 'the host name could not be resolved',
  ENETUNREACH: 'the network is unreachable',
  EHOSTUNREACH: 'the host is unreachable'
}

/** Errors raised before a connection exists: the request cannot have reached the server. */
const BEFORE_CONNECT = new Set([
  'ECONNREFUSED',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH'
])

/** Node's own error, turned into a TransportError by its code. */
export function fromSocketError(
  error: NodeJS.ErrnoException,
  sent: boolean,
  proxy?: string
): TransportError {
  if (error instanceof TransportError) return error
  const code = typeof error.code === 'string' ? error.code : undefined
  if (code?.startsWith('HPE_'))
    return new TransportError(
      { kind: 'framing', code, reached: true, proxy },
      `the answer is not well-formed HTTP (${code})`
    )
  if (code && isTlsCode(code))
    return new TransportError(
      { kind: 'tls', code, reached: false, proxy },
      `the server's TLS certificate was not accepted (${code}); if a proxy inspects TLS, give its CA certificate in NODE_EXTRA_CA_CERTS`
    )
  const words = code ? NETWORK_WORDS[code] : undefined
  return new TransportError(
    {
      kind: 'network',
      code: code ?? 'ConnectionError',
      reached: !BEFORE_CONNECT.has(code ?? '') && sent,
      proxy
    },
    words ?? 'the connection was closed before an answer came'
  )
}

function isTlsCode(code: string): boolean {
  return (
    /^(ERR_TLS_|ERR_SSL_)/.test(code) ||
    /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY|DECRYPT)|DEPTH_ZERO/.test(code)
  )
}
