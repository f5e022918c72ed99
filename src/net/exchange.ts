/**
 * The one way any request leaves the action (ECS, STS, the GitHub ID token,
 * the instance metadata service), and so the one place that bounds it:
 * - a hard limit on the whole exchange, set here (the service's own limit,
 *   never past the caller's deadline), whatever the sockets do;
 * - no request sent when the deadline leaves no time for it;
 * - a cancelled run ends it at once;
 * - a body read within the memory bound, whatever its size or encoding
 *   (./body.ts);
 * - through the proxy the environment names, or none (./proxy.ts).
 * It returns the status, the headers and the body's bytes; what they mean is
 * for the caller (api/answer.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import {
  type Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request as httpRequest
} from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Clock } from '../clock.js'
import { readBody } from './body.js'
import { DEADLINE, fromSocketError, TransportError } from './errors.js'

/** The longest one exchange may take, unless the service's own limit is shorter. */
const MAX_EXCHANGE_MS = 15_000
/** Not worth sending with less time than this left before the deadline. */
export const MIN_EXCHANGE_MS = 1_000

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT'
  url: URL
  headers: Record<string, string>
  body?: string
  /** This service's own limit on one exchange (at most MAX_EXCHANGE_MS). */
  limitMs?: number
}

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  /** The body; one over 64 KiB compacted (./compact-json.ts). */
  body: Buffer
  /** Why there is no body: it was over the bound, on an error status (./body.ts). */
  dropped?: string
}

/** How one request is routed: the agent to use, and the proxy's name (for errors), if any. */
export interface Route {
  agent: Agent
  proxy?: string
}

/** How each request is routed; a proxy's route may take loading its agent. */
export type Router = (url: URL) => Route | Promise<Route>

/** What bounds the exchanges of one call: its deadline on `clock`, and the run's cancellation. */
export interface ExchangeScope {
  clock: Clock
  deadline: number
  signal?: AbortSignal
}

const scopes = new AsyncLocalStorage<ExchangeScope>()

/**
 * Runs `call` with every exchange it makes bounded by `scope`, and by the
 * scope it runs in, if any: an inner call (credentials renewed for a poll)
 * never outlives the outer one's deadline, and ends with its cancellation.
 */
export function withinScope<T>(scope: ExchangeScope, call: () => Promise<T>): Promise<T> {
  const outer = scopes.getStore()
  const inner = outer
    ? {
        clock: scope.clock,
        deadline: Math.min(scope.deadline, outer.deadline),
        signal: scope.signal ?? outer.signal
      }
    : scope
  return scopes.run(inner, call)
}

/** Runs `call` outside any scope: a cancel has a budget of its own, whoever asks for it. */
export function outsideScope<T>(call: () => Promise<T>): Promise<T> {
  return scopes.exit(call)
}

/** The scope calls made now run in, if any. */
export function currentScope(): ExchangeScope | undefined {
  return scopes.getStore()
}

/** How long the next exchange may take, or 0 when it must not be sent. */
function exchangeLimitMs(ownLimitMs = MAX_EXCHANGE_MS): number {
  const limit = Math.min(ownLimitMs, MAX_EXCHANGE_MS)
  const scope = scopes.getStore()
  if (!scope) return limit
  const left = scope.deadline - scope.clock.now()
  return left < Math.min(MIN_EXCHANGE_MS, limit) ? 0 : Math.min(limit, left)
}

/** One exchange, bounded as the file's comment says. */
export async function exchange(request: HttpRequest, route: Router): Promise<HttpResponse> {
  const limitMs = exchangeLimitMs(request.limitMs)
  const { agent, proxy } = await route(request.url)
  if (limitMs === 0)
    throw new TransportError(
      { kind: 'deadline', code: DEADLINE, reached: false, proxy },
      'not sent: the step has no time left before its deadline'
    )
  const signal = scopes.getStore()?.signal
  if (signal?.aborted)
    throw new TransportError({ kind: 'aborted', reached: false }, 'the workflow run was cancelled')
  return send(request, agent, proxy, limitMs, signal)
}

function send(
  request: HttpRequest,
  agent: Agent,
  proxy: string | undefined,
  limitMs: number,
  signal?: AbortSignal
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let sent = false
    let settled = false
    const finish = (error?: Error, response?: HttpResponse): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      if (error) {
        outgoing.destroy()
        reject(error)
      } else resolve(response!)
    }
    const fail = (error: NodeJS.ErrnoException): void => finish(fromSocketError(error, sent, proxy))
    const open = request.url.protocol === 'https:' ? httpsRequest : httpRequest
    const outgoing = open(request.url, {
      method: request.method,
      headers: request.headers,
      agent
    })
    const timer = setTimeout(
      () =>
        finish(
          new TransportError(
            { kind: 'timeout', code: 'RequestTimeout', reached: sent, proxy },
            `no complete answer within ${Math.round(limitMs / 1000)}s (the action's limit on one request)`
          )
        ),
      limitMs
    )
    const onAbort = (): void =>
      finish(
        new TransportError(
          { kind: 'aborted', code: 'RequestAborted', reached: sent, proxy },
          'the workflow run was cancelled'
        )
      )
    signal?.addEventListener('abort', onAbort, { once: true })
    outgoing.on('error', fail)
    outgoing.on('finish', () => (sent = true))
    // https-proxy-agent replays a refused CONNECT as if the server had answered: it is the proxy's.
    outgoing.on('proxyConnect', ({ statusCode }: { statusCode: number }) => {
      if (statusCode !== 200) finish(proxyRefused(proxy, statusCode))
    })
    outgoing.on('response', (incoming) =>
      readResponse(incoming).then((response) => finish(undefined, response), fail)
    )
    outgoing.end(request.body)
  })
}

async function readResponse(incoming: IncomingMessage): Promise<HttpResponse> {
  const { bytes, dropped } = await readBody(incoming)
  return { status: incoming.statusCode ?? 0, headers: incoming.headers, body: bytes, dropped }
}

function proxyRefused(proxy: string | undefined, status: number): TransportError {
  return new TransportError(
    { kind: 'proxy', code: `HTTP${status}`, reached: false, proxy, proxyStatus: status },
    `the proxy ${proxy ?? ''} refused to connect to the host (HTTP ${status})`
  )
}
