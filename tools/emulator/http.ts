/**
 * The emulator's HTTP plumbing: reading a request (query and form parameters,
 * lower-cased headers), and answering it (JSON, raw bytes, an API error in the
 * vendor's shape), recorded as it is sent.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

export interface RecordedRequest {
  at: number
  action: string
  params: Record<string, string>
  style?: 'V3' | 'V2'
  accessKeyId?: string
  httpStatus: number
  code?: string
  fault?: string
  /** For DescribeImagePipelineExecutions: the statuses returned. */
  statuses?: string[]
}

/** An error the API answers with, in its own shape. */
export class ApiFault {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string
  ) {}
}

export const fault = (status: number, code: string, message: string): ApiFault =>
  new ApiFault(status, code, message)

export interface Incoming {
  url: URL
  query: Array<[string, string]>
  headers: Record<string, string | undefined>
  body: Buffer
  params: Record<string, string>
  action: string
}

export async function readRequest(request: IncomingMessage): Promise<Incoming> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks)
  const url = new URL(request.url ?? '/', 'http://emulator')
  const query = [...url.searchParams.entries()]
  const headers: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value
  }
  const form = (headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
    ? [...new URLSearchParams(body.toString('utf8')).entries()]
    : []
  const params: Record<string, string> = Object.fromEntries([...query, ...form])
  const action = headers['x-acs-action'] ?? params.Action ?? ''
  return { url, query, headers, body, params, action }
}

/** The answer to one request, recorded as it is sent. */
export class Reply {
  readonly requestId = randomUUID().toUpperCase()

  constructor(
    private readonly response: ServerResponse,
    readonly record: RecordedRequest,
    private readonly hostId: string,
    /** The service's clock, for the Date header. */
    private readonly serviceNow: () => number
  ) {}

  private headers(extra: Record<string, string>): Record<string, string> {
    return {
      date: new Date(this.serviceNow()).toUTCString(),
      'x-acs-request-id': this.requestId,
      ...extra
    }
  }

  /** Headers only; the body follows through `write` and `finish`. */
  start(status: number, length: number): void {
    this.record.httpStatus = status
    this.response.writeHead(
      status,
      this.headers({
        'content-type': 'application/json;charset=utf-8',
        'content-length': String(length)
      })
    )
  }

  write(chunk: Buffer): void {
    this.response.write(chunk)
  }

  finish(): void {
    this.response.end()
  }

  get closed(): boolean {
    return this.response.destroyed || this.response.socket?.destroyed === true
  }

  send(
    status: number,
    payload: unknown,
    contentType = 'application/json;charset=utf-8',
    extra: Record<string, string> = {}
  ): void {
    this.record.httpStatus = status
    const body = Buffer.isBuffer(payload)
      ? payload
      : typeof payload === 'string'
        ? payload
        : JSON.stringify(payload)
    this.response.writeHead(status, this.headers({ 'content-type': contentType, ...extra }))
    this.response.end(body)
  }

  /**
   * `body` in chunked transfer encoding, `piece` bytes to a chunk, written
   * straight to the socket in large writes: the client sees a chunk (one
   * Buffer) for every piece, however the bytes travel.
   */
  chunked(status: number, body: Buffer, piece: number): void {
    this.record.httpStatus = status
    const socket = this.response.socket
    if (!socket) return
    const head = Object.entries({
      ...this.headers({ 'content-type': 'application/json;charset=utf-8' }),
      'transfer-encoding': 'chunked',
      connection: 'close'
    })
    socket.write(`HTTP/1.1 ${status} OK\r\n${head.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`)
    const block = (from: number): Buffer => {
      const parts: Buffer[] = []
      for (let at = from; at < Math.min(body.length, from + 256 * 1024); at += piece) {
        const bytes = body.subarray(at, Math.min(body.length, at + piece))
        parts.push(Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n'))
      }
      return Buffer.concat(parts)
    }
    const writeFrom = (from: number): void => {
      for (; from < body.length; from += 256 * 1024)
        if (!socket.write(block(from)))
          return void socket.once('drain', () => writeFrom(from + 256 * 1024))
      socket.end('0\r\n\r\n')
    }
    writeFrom(0)
  }

  /** Bytes written straight to the socket: an answer that is not well-formed HTTP. */
  raw(text: string): void {
    this.record.httpStatus = 0
    this.response.socket?.end(text)
  }

  fault(error: ApiFault, extra: Record<string, string> = {}): void {
    this.record.code = error.code
    this.send(
      error.status,
      {
        RequestId: this.requestId,
        HostId: this.hostId,
        Code: error.code,
        Message: error.message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${error.code}&product=Ecs`
      },
      undefined,
      extra
    )
  }
}
