/**
 * A hard limit on every HTTP exchange, set by the action. The SDK's transport
 * keeps its read timer on the keep-alive socket, where a later request can
 * clear an earlier one's, so a body that trickles in a byte a second is never
 * cut off; its answer is read whole, however large.
 *
 * Each exchange runs in an async context of its own. The request the SDK opens
 * in it is found through Node's `http.client.request.start` diagnostics channel
 * and destroyed when the exchange runs out of time or its answer grows past
 * MAX_RESPONSE_BYTES. The limit is the smaller of MAX_EXCHANGE_MS and what is
 * left of the caller's deadline (`withinDeadline`), and never below
 * MIN_EXCHANGE_MS, so that a last poll or a cancel still gets its chance.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { subscribe } from 'node:diagnostics_channel'
import type { ClientRequest } from 'node:http'
import type { Socket } from 'node:net'

export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024
export const MAX_EXCHANGE_MS = 15_000
export const MIN_EXCHANGE_MS = 3_000

interface Exchange {
  requests: ClientRequest[]
  failure?: Error
  /** Run when the exchange is over: the byte counters leave the (keep-alive) sockets. */
  cleanups: Array<() => void>
  maxBytes: number
  /** Set once the exchange is over: nothing may end it (or its sockets' next owners) then. */
  over?: boolean
}

const exchanges = new AsyncLocalStorage<Exchange>()
const scopes = new AsyncLocalStorage<{ deadline: number; signal?: AbortSignal }>()

/**
 * Runs `call` with `deadline` (epoch ms) as the end of every exchange it makes,
 * within the bounds; an abort of `signal` ends them at once (a cancelled run).
 */
export function withinDeadline<T>(
  deadline: number,
  call: () => Promise<T>,
  signal?: AbortSignal
): Promise<T> {
  return scopes.run({ deadline, signal }, call)
}

/** How long the next exchange may take. */
export function exchangeLimitMs(now = Date.now()): number {
  const deadline = scopes.getStore()?.deadline
  if (deadline === undefined) return MAX_EXCHANGE_MS
  return Math.min(MAX_EXCHANGE_MS, Math.max(MIN_EXCHANGE_MS, deadline - now))
}

export class ExchangeError extends Error {
  constructor(
    readonly code: 'RequestTimeout' | 'ResponseTooLarge' | 'RequestAborted',
    message: string
  ) {
    super(message)
    this.name = code === 'RequestTimeout' ? 'ExchangeTimeout' : 'ExchangeError'
  }
}

/** One exchange, ended by the action itself after `limitMs` or past MAX_RESPONSE_BYTES. */
export async function bounded<T>(
  call: () => Promise<T>,
  limitMs = exchangeLimitMs(),
  maxBytes = MAX_RESPONSE_BYTES
): Promise<T> {
  const exchange: Exchange = { requests: [], cleanups: [], maxBytes }
  const signal = scopes.getStore()?.signal
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const expired = new Promise<never>((_, reject) => {
    const stop = (error: Error): void => {
      end(exchange, error)
      reject(error)
    }
    timer = setTimeout(
      () =>
        stop(
          new ExchangeError(
            'RequestTimeout',
            `no complete answer within ${Math.round(limitMs / 1000)}s (the action's limit on one request)`
          )
        ),
      limitMs
    )
    onAbort = () => stop(new ExchangeError('RequestAborted', 'the workflow run was cancelled'))
    if (signal?.aborted) onAbort()
    else signal?.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([exchanges.run(exchange, call), expired])
  } catch (error) {
    throw exchange.failure ?? error
  } finally {
    clearTimeout(timer)
    if (onAbort) signal?.removeEventListener('abort', onAbort)
    exchange.over = true
    for (const cleanup of exchange.cleanups) cleanup()
  }
}

function end(exchange: Exchange, error: Error): void {
  if (exchange.over) return
  exchange.failure ??= error
  for (const request of exchange.requests) request.destroy(error)
}

subscribe('http.client.request.start', (message) => {
  const exchange = exchanges.getStore()
  if (!exchange) return
  const request = (message as { request: ClientRequest }).request
  exchange.requests.push(request)
  if (exchange.failure) request.destroy(exchange.failure)
  // The channel may publish after the socket was assigned (at the request's end).
  if (request.socket) countBytes(exchange, request.socket)
  else request.once('socket', (socket: Socket) => countBytes(exchange, socket))
})

/** Counts what arrives on the socket while this exchange lasts (keep-alive hands sockets on). */
function countBytes(exchange: Exchange, socket: Socket): void {
  let received = 0
  const onData = (chunk: Buffer): void => {
    received += chunk.length
    if (received > exchange.maxBytes)
      end(
        exchange,
        new ExchangeError(
          'ResponseTooLarge',
          `the answer is over ${Math.round(exchange.maxBytes / 1024)} KiB; it was refused`
        )
      )
  }
  socket.on('data', onData)
  // Not on the request's 'close': a keep-alive socket outlives it, and a counter
  // left behind would add up every later answer on that socket.
  exchange.cleanups.push(() => socket.off('data', onData))
}
