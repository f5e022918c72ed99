/**
 * Errors the action raises. An ApiError carries what a user needs to act: the
 * operation, the resource, the API's code and message, the RequestId (what the
 * vendor's support asks for), and what to check. Whether retrying may help is
 * decided from the error's type and the answer's shape (api/answer.ts), never
 * by searching its text.
 */
import { TransportError } from '../net/errors.js'
import { hintFor } from './hints.js'

export class InputError extends Error {
  constructor(
    readonly input: string,
    problem: string
  ) {
    super(`Input "${input}" ${problem}`)
    this.name = 'InputError'
  }
}

interface ApiErrorDetails {
  operation: string
  code: string
  message: string
  requestId?: string
  statusCode?: number
  resource?: string
  /** The service's own advice (a troubleshooting link), when it gives one. */
  recommend?: string
  /** Which RAM action was denied, and for whom: what a policy fix needs. */
  accessDeniedDetail?: string
  /** Retrying may help: throttling, 5xx, network trouble, an unparsable body. */
  transient: boolean
  throttled: boolean
  /** How long the service asked us to wait before the next try (x-acs-retry-after). */
  retryAfterMs?: number
  /** False when the request cannot have reached the service (nothing can have been started). */
  reached?: boolean
}

export class ApiError extends Error {
  readonly operation: string
  readonly code: string
  readonly apiMessage: string
  readonly requestId?: string
  readonly statusCode?: number
  readonly resource?: string
  readonly recommend?: string
  readonly accessDeniedDetail?: string
  readonly transient: boolean
  readonly throttled: boolean
  readonly retryAfterMs?: number
  readonly reached: boolean

  constructor(details: ApiErrorDetails) {
    const hint = hintFor(details.code)
    const parts = [
      `${details.operation}${details.resource ? ` (${details.resource})` : ''} failed: ${details.code}: ${details.message}`,
      details.requestId ? ` (RequestId: ${details.requestId})` : '',
      details.accessDeniedDetail ? `. Denied: ${details.accessDeniedDetail}` : '',
      hint ? `. Check: ${hint}` : '',
      details.recommend ? `. Recommend: ${details.recommend}` : ''
    ]
    super(parts.join(''))
    this.name = 'ApiError'
    this.operation = details.operation
    this.code = details.code
    this.apiMessage = details.message
    this.requestId = details.requestId
    this.statusCode = details.statusCode
    this.resource = details.resource
    this.recommend = details.recommend
    this.accessDeniedDetail = details.accessDeniedDetail
    this.transient = details.transient
    this.throttled = details.throttled
    this.retryAfterMs = details.retryAfterMs
    this.reached = details.reached ?? true
  }

  /** The same error with some details changed (its message rebuilt from them). */
  with(change: Partial<ApiErrorDetails>): ApiError {
    return new ApiError({ ...this.details(), ...change })
  }

  details(): ApiErrorDetails {
    return {
      operation: this.operation,
      code: this.code,
      message: this.apiMessage,
      requestId: this.requestId,
      statusCode: this.statusCode,
      resource: this.resource,
      recommend: this.recommend,
      accessDeniedDetail: this.accessDeniedDetail,
      transient: this.transient,
      throttled: this.throttled,
      retryAfterMs: this.retryAfterMs,
      reached: this.reached
    }
  }
}

/** An answer that parsed but lacks what it must hold: worth a retry (a proxy's page, a cut body). */
export function unparsable(operation: string, what: string, resource?: string): ApiError {
  return new ApiError({
    operation,
    code: 'UnparsableResponse',
    message: what,
    resource,
    transient: true,
    throttled: false
  })
}

/** An answer whose content breaks the API's own rules (an ID that is not an ID): refused. */
export function malformed(operation: string, what: string, resource?: string): ApiError {
  return new ApiError({
    operation,
    code: 'MalformedResponse',
    message: what,
    resource,
    transient: false,
    throttled: false
  })
}

/** What a TransportError means for a retry: only a certificate, a cap or a deadline is final. */
const TRANSIENT_KINDS = new Set(['timeout', 'network', 'framing', 'encoding'])

/**
 * Whatever a call threw, as an ApiError: an ApiError as it is, a failed
 * exchange by its kind, anything else (a bug, not an answer) as it is, final.
 * `where` names the service and host for a failed exchange.
 */
export function toApiError(
  operation: string,
  thrown: unknown,
  resource?: string,
  where?: string
): ApiError {
  if (thrown instanceof ApiError) return thrown
  if (thrown instanceof TransportError) return transportError(operation, thrown, resource, where)
  const error = thrown instanceof Error ? thrown : new Error(String(thrown))
  return new ApiError({
    operation,
    code: error.name || 'Error',
    message: error.message,
    resource,
    transient: false,
    throttled: false
  })
}

function transportError(
  operation: string,
  error: TransportError,
  resource?: string,
  where?: string
): ApiError {
  const proxyStatus = error.proxyStatus
  return new ApiError({
    operation,
    code: error.kind === 'proxy' ? `ProxyRefused.HTTP${proxyStatus}` : (error.code ?? error.kind),
    message: `${error.message}${where ? ` (${where}${error.proxy ? `, through the proxy ${error.proxy}` : ''})` : ''}`,
    resource,
    transient:
      TRANSIENT_KINDS.has(error.kind) ||
      (error.kind === 'proxy' && proxyStatus !== undefined && proxyStatus >= 500),
    throttled: false,
    reached: error.reached
  })
}

/** The message of anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
