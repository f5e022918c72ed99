/**
 * The faults the emulator injects: answers the live API, a gateway or a proxy
 * in front of it may give, before the request is applied (it never happened)
 * or after (it happened, and the answer went wrong).
 */
import type { IncomingMessage } from 'node:http'
import { gzipSync } from 'node:zlib'
import { fault, type Reply } from './http.js'

export type FaultKind =
  | 'throttle' // 400 Throttling.User
  | 'http429' // 429 Throttling
  | 'retry-after' // 400 Throttling.User with x-acs-retry-after: delayMs
  | 'http503' // 503 ServiceUnavailable (JSON)
  | 'null503' // 503 with the body `null`
  | 'array502' // 502 with the body `[]`
  | 'string504' // 504 with the body `"Bad Gateway"`
  | 'xml500' // 500 with an XML page that is not the vendor's
  | 'json500' // 500 with a JSON object that has no Code
  | 'html502' // 502 with a proxy's HTML page
  | 'dup-length' // a status line with two Content-Length headers (broken framing)
  | 'bad-status' // a status line that is not HTTP
  | 'gzip-bomb' // 200, gzip, a few KiB that inflate to 20 MiB
  | 'time-expired' // 400 InvalidTimeStamp.Expired: the request's time is too far off
  | 'forbidden' // 403 Forbidden.RAM: a refusal that retrying cannot fix
  | 'echo' // 400 SignatureDoesNotMatch whose Message is the fault's `message` (a service echoing a request)
  | 'hang' // no answer ever, request not applied (the socket stays open)
  | 'drip' // request applied, the answer sent a byte every delayMs
  | 'huge' // request applied, 200 with a body of 17 MiB
  | 'bulky' // request applied, 200 with the answer grown to 15.5 MiB (under the cap), or to `bytes`, by `shape`
  | 'gzip' // request applied, the answer gzip-compressed (nobody asked for it)
  | 'pieces' // request applied, the answer (padded with spaces to `bytes`, if given) sent a byte to an HTTP chunk
  | 'repeat-token' // request applied, the answer's NextToken is always the same (after delayMs, if given)
  | 'code200' // 200 with an error body (Code, Message, RequestId), request not applied
  | 'busy' // 400 InvalidImagePipeline.HasRunningExecution, whatever runs: a service whose state lags
  | 'stale-listing' // a listing by pipeline shows every execution as BUILDING; a look-up by ID is true
  | 'reset' // socket destroyed before the request is applied
  | 'reset-after-apply' // request applied, then the socket destroyed
  | 'slow' // request applied, response delayed by delayMs
  | 'malformed' // 200 with a body that is not JSON, request not applied
  | 'truncated' // request applied, 200 with its JSON cut short

export interface Fault {
  /** Operation it applies to; any when absent. */
  action?: string
  /** Only requests that carry this parameter: `ExecutionId` aims at polls, not at the history listing. */
  with?: string
  kind: FaultKind
  /** How many requests it hits (default 1). */
  times?: number
  delayMs?: number
  /** For 'echo': the error message the service sends. */
  message?: string
  /** For 'bulky': what fills the answer, and to how many bytes (15.5 MiB by default). */
  shape?: BulkShape
  bytes?: number
}

/**
 * How 'bulky' fills an answer to 15.5 MiB (or `bytes`): an array of numbers, an array of
 * small objects, one long text, whitespace, long texts (100 KB each), or
 * notes (4,000 characters each, just under what compaction keeps of a text).
 */
export type BulkShape = 'numbers' | 'objects' | 'text' | 'space' | 'texts' | 'notes'

const BULK_BYTES = 15.5 * 1024 * 1024

/** A JSON array of `item` repeated to about `bytes`. */
function repeated(item: string, bytes: number): string {
  return `[${`${item},`.repeat(Math.floor(bytes / (item.length + 1)))}${item}]`
}

/** The answer, grown to about `bytes` by `shape`, as JSON text. */
export function bulky(
  payload: Record<string, unknown>,
  shape: BulkShape,
  bytes = BULK_BYTES
): string {
  const answer = JSON.stringify(payload)
  if (shape === 'space') return answer.slice(0, -1) + ' '.repeat(bytes) + '}'
  const filler = {
    numbers: () => repeated('1.5', bytes),
    objects: () => repeated('{"Id":"x-1","Status":"BUILDING"}', bytes),
    text: () => `"${'x'.repeat(bytes)}"`,
    texts: () => repeated(`"${'y'.repeat(100_000)}"`, bytes),
    notes: () => repeated(`"${'n'.repeat(4000)}"`, bytes)
  }[shape]()
  return `${answer.slice(0, -1)},"Filler":${filler}}`
}

export const SERVICE_UNAVAILABLE = fault(
  503,
  'ServiceUnavailable',
  'The request has failed due to a temporary failure of the server.'
)

/** 20 MiB of zeros, gzip-compressed once: a few KiB on the wire. */
let bomb: Buffer | undefined
function gzipBomb(): Buffer {
  bomb ??= gzipSync(Buffer.alloc(20 * 1024 * 1024))
  return bomb
}

/** Answers that are not the vendor's error object, by kind: status, body, content type. */
const FOREIGN: Partial<Record<FaultKind, [number, string, string]>> = {
  null503: [503, 'null', 'application/json'],
  array502: [502, '[]', 'application/json'],
  string504: [504, '"Bad Gateway"', 'application/json'],
  xml500: [500, '<?xml version="1.0"?><html><body>Internal error</body></html>', 'text/xml'],
  json500: [500, '{"Message":"boom"}', 'application/json'],
  html502: [
    502,
    '<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>',
    'text/html'
  ],
  malformed: [200, 'upstream error: <!doctype html>', 'application/json']
}

/** The vendor's own error answers, by kind. */
const REFUSALS: Partial<Record<FaultKind, () => ReturnType<typeof fault>>> = {
  throttle: () => fault(400, 'Throttling.User', 'Request was denied due to user flow control.'),
  http429: () => fault(429, 'Throttling', 'Request was denied due to request throttling.'),
  http503: () => SERVICE_UNAVAILABLE,
  forbidden: () =>
    fault(403, 'Forbidden.RAM', 'User not authorized to operate on the specified resource.'),
  'time-expired': () =>
    fault(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'),
  busy: () =>
    fault(
      400,
      'InvalidImagePipeline.HasRunningExecution',
      'The image pipeline has a running execution.'
    )
}

/** Faults that strike before the request is applied; true when the answer is given. */
export function answerBeforeApply(
  injected: Fault,
  reply: Reply,
  request: IncomingMessage
): boolean {
  const refusal = REFUSALS[injected.kind]
  if (refusal) {
    reply.fault(refusal())
    return true
  }
  const foreign = FOREIGN[injected.kind]
  if (foreign) {
    reply.send(foreign[0], foreign[1], foreign[2])
    return true
  }
  return answerOddly(injected, reply, request)
}

/** The rest of the faults before apply: odd answers, broken framing, no answer. */
function answerOddly(injected: Fault, reply: Reply, request: IncomingMessage): boolean {
  switch (injected.kind) {
    case 'retry-after':
      reply.fault(fault(400, 'Throttling.User', 'Request was denied due to user flow control.'), {
        'x-acs-retry-after': String(injected.delayMs ?? 7000)
      })
      return true
    case 'echo':
      reply.fault(fault(400, 'SignatureDoesNotMatch', injected.message ?? ''))
      return true
    case 'code200':
      reply.send(200, {
        RequestId: reply.requestId,
        Code: 'Throttling.Concurrent',
        Message: 'Request was denied due to concurrent request control.'
      })
      return true
    case 'dup-length':
      reply.raw(
        'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\nContent-Length: 9\r\n\r\n{}'
      )
      return true
    case 'bad-status':
      reply.raw('HTTTP/1.1 200 OK\r\n\r\n{}')
      return true
    case 'gzip-bomb':
      reply.send(200, gzipBomb(), 'application/json', { 'content-encoding': 'gzip' })
      return true
    case 'reset':
      reply.record.httpStatus = 0
      request.socket.destroy()
      return true
    case 'hang':
      return true
  }
  return false
}

/** Faults that strike after the request was applied; true when the answer is given. */
export async function answerAfterApply(
  injected: Fault,
  reply: Reply,
  request: IncomingMessage,
  payload: Record<string, unknown>,
  wait: (ms: number) => Promise<void>
): Promise<boolean> {
  switch (injected.kind) {
    case 'reset-after-apply':
      reply.record.httpStatus = 0
      request.socket.destroy()
      return true
    case 'drip':
      return drip(reply, payload, injected.delayMs ?? 200)
    case 'huge':
      reply.send(200, { ...payload, Padding: 'x'.repeat(17 * 1024 * 1024) })
      return true
    case 'bulky':
      reply.send(200, bulky(payload, injected.shape ?? 'numbers', injected.bytes))
      return true
    case 'pieces': {
      const json = JSON.stringify(payload)
      const padding = ' '.repeat(Math.max(0, (injected.bytes ?? 0) - json.length))
      reply.chunked(200, Buffer.from(json.slice(0, -1) + padding + '}'), 1)
      return true
    }
    case 'gzip':
      reply.send(200, gzipSync(JSON.stringify(payload)), 'application/json', {
        'content-encoding': 'gzip'
      })
      return true
    case 'stale-listing':
      reply.send(200, staleListing(payload))
      return true
    case 'repeat-token':
      if (injected.delayMs) await wait(injected.delayMs)
      reply.send(200, { ...payload, NextToken: 'the-same-token' })
      return true
    case 'truncated': {
      const text = JSON.stringify(payload)
      reply.send(200, text.slice(0, Math.max(1, Math.floor(text.length / 2))))
      return true
    }
    case 'slow':
      await wait(injected.delayMs ?? 5000)
      if (!request.socket.destroyed) return false
      reply.record.httpStatus = 0
      return true
  }
  return false
}

/** Sends the answer a byte at a time: a body that trickles in. */
function drip(reply: Reply, payload: unknown, everyMs: number): boolean {
  const bytes = Buffer.from(JSON.stringify(payload))
  reply.start(200, bytes.length)
  let sent = 0
  const timer = setInterval(() => {
    if (sent >= bytes.length || reply.closed) {
      clearInterval(timer)
      if (!reply.closed) reply.finish()
      return
    }
    reply.write(bytes.subarray(sent, sent + 1))
    sent++
  }, everyMs)
  timer.unref()
  return true
}

/** Every execution of a listing shown as still BUILDING (a look-up by ID is not touched). */
function staleListing(payload: Record<string, unknown>): unknown {
  const body = payload as {
    ImagePipelineExecution?: { ImagePipelineExecutionSet: Array<Record<string, unknown>> }
  }
  const set = body.ImagePipelineExecution?.ImagePipelineExecutionSet ?? []
  return {
    ...body,
    ImagePipelineExecution: {
      ImagePipelineExecutionSet: set.map((execution) => ({ ...execution, Status: 'BUILDING' }))
    }
  }
}
