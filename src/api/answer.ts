/**
 * What an HTTP answer from an Alibaba Cloud API means, judged by its shape:
 * - a JSON object with a non-empty `Code` (other than "200") is the vendor's
 *   error object, whatever the HTTP status (an error may come in a 200):
 *   an API error with that code;
 * - otherwise a 2xx with a JSON object is the result;
 * - anything else is not the vendor's answer (`null`, an array, a string, an
 *   HTML or XML page, no body): a 429 is throttling, a 5xx or a 2xx is worth
 *   a retry, a 4xx is final; its message shows the HTTP status, never the body.
 * Never quotes the body: it may hold a secret.
 */
import type { HttpResponse } from '../net/exchange.js'
import { parseJson } from '../net/json.js'
import { ApiError } from './errors.js'
import { record, text } from './parse.js'

/** Codes that say retrying may help, beyond throttling and 5xx. */
const TRANSIENT_CODES = new Set([
  'ServiceUnavailable',
  'InternalError',
  'UnknownError',
  'StartImagePipelineExecution.Failed',
  'OperationConflict',
  'LastTokenProcessing',
  'IdempotentProcessing'
])

interface AnswerContext {
  operation: string
  resource?: string
}

/** The result object, or the ApiError the answer stands for. */
export function readAnswer(
  response: HttpResponse,
  context: AnswerContext
): Record<string, unknown> {
  const parsed = parseBody(response.body)
  const body = isObject(parsed) ? parsed : undefined
  if (body && isErrorCode(body.Code)) throw vendorError(response, body, context)
  if (body && response.status >= 200 && response.status < 300) return body
  throw notTheVendors(response, parsed, context)
}

function parseBody(body: Buffer): unknown {
  try {
    return parseJson(body)
  } catch {
    return NOT_JSON
  }
}

const NOT_JSON = Symbol('not JSON')

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isErrorCode(code: unknown): code is string {
  return typeof code === 'string' && code.trim() !== '' && code !== '200'
}

function vendorError(
  response: HttpResponse,
  body: Record<string, unknown>,
  { operation, resource }: AnswerContext
): ApiError {
  const code = text(body.Code)!
  const status = response.status
  const throttled = /Throttling/i.test(code) || status === 429
  return new ApiError({
    operation,
    resource,
    code,
    message: text(body.Message) ?? `HTTP ${status}`,
    requestId: text(body.RequestId) ?? requestIdHeader(response),
    recommend: text(body.Recommend),
    accessDeniedDetail: deniedDetail(body.AccessDeniedDetail),
    statusCode: status,
    transient: throttled || TRANSIENT_CODES.has(code) || status >= 500,
    throttled,
    retryAfterMs: retryAfterMs(response)
  })
}

function notTheVendors(
  response: HttpResponse,
  parsed: unknown,
  { operation, resource }: AnswerContext
): ApiError {
  const status = response.status
  const ok = status >= 200 && status < 300
  const throttled = status === 429
  const what = describeBody(response, parsed)
  return new ApiError({
    operation,
    resource,
    code: ok ? 'UnparsableResponse' : `HTTP${status}`,
    message: ok
      ? `HTTP ${status} with ${what}, not the service's JSON object`
      : `HTTP ${status}, with ${what} (not the service's error object: a proxy or gateway may have answered)`,
    requestId: requestIdHeader(response),
    statusCode: status,
    transient: ok || throttled || status >= 500,
    throttled,
    retryAfterMs: retryAfterMs(response)
  })
}

/** What kind of body it was, in a few words, never its content. */
function describeBody(response: HttpResponse, parsed: unknown): string {
  if (response.dropped) return `a body too large to keep (${response.dropped})`
  if (response.body.length === 0) return 'no body'
  if (parsed !== NOT_JSON)
    return `a JSON ${parsed === null ? 'null' : Array.isArray(parsed) ? 'array' : typeof parsed}`
  const type = String(response.headers['content-type'] ?? '')
  const kind = /html/i.test(type)
    ? 'an HTML page'
    : /xml/i.test(type)
      ? 'an XML document'
      : 'a body'
  return `${kind} that is not JSON (${response.body.length} bytes)`
}

function requestIdHeader(response: HttpResponse): string | undefined {
  return text(response.headers['x-acs-request-id'])
}

/** The vendor's SDKs wait at most this long for `x-acs-retry-after` (@darabonba/typescript MAX_DELAY_TIME). */
const MAX_RETRY_AFTER_MS = 120_000

/**
 * The vendor's `x-acs-retry-after`: how long to wait before the next try, in
 * milliseconds, as the vendor's SDKs read it, and bounded as they bound it.
 */
export function retryAfterMs(response: Pick<HttpResponse, 'headers'>): number | undefined {
  const value = Number(text(response.headers['x-acs-retry-after']))
  if (!Number.isFinite(value) || value <= 0) return undefined
  return Math.min(Math.round(value), MAX_RETRY_AFTER_MS)
}

/** The service's clock, from the answer's Date header: to compare with times it gives. */
export function serverTime(response: Pick<HttpResponse, 'headers'>): number | undefined {
  const date = Date.parse(String(response.headers.date ?? ''))
  return Number.isFinite(date) ? date : undefined
}

/** AccessDeniedDetail comes as an object (AuthAction, AuthPrincipalDisplayName, …) or a string. */
function deniedDetail(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return text(value)
  const fields = Object.entries(record(value))
    .map(([name, field]) => [name, text(typeof field === 'object' ? JSON.stringify(field) : field)])
    .filter(([, field]) => field !== undefined)
    .map(([name, field]) => `${name}=${field}`)
  return fields.length ? fields.join(', ') : undefined
}
