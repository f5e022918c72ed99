/**
 * A forward proxy stand-in on 127.0.0.1, for tests of the action behind a
 * corporate proxy: CONNECT tunnels for https and plain forwarding for http,
 * optional basic auth, a host map (hosts that resolve only through the proxy,
 * as on a network without DNS for the outside), refusals (407, 502), a proxy
 * that accepts CONNECT and never answers, and a log of every request.
 */
import {
  createServer,
  type IncomingMessage,
  request as forward,
  type Server,
  type ServerResponse
} from 'node:http'
import { connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface ProxyOptions {
  /** host → address the proxy connects to for it (the test's private DNS). */
  hosts?: Record<string, string>
  /** Require these credentials (Proxy-Authorization: Basic). */
  auth?: { user: string; password: string }
  /** Answer every CONNECT with this status instead of tunnelling. */
  refuse?: number
  /** Accept CONNECT and never answer it. */
  silent?: boolean
}

export interface ProxiedRequest {
  method: string
  /** `host:port` for CONNECT, the absolute URL for a forwarded request. */
  target: string
  authorized: boolean
  status: number
}

export class ProxyStandIn {
  readonly requests: ProxiedRequest[] = []
  private server?: Server
  private readonly sockets = new Set<Socket>()

  constructor(private readonly options: ProxyOptions = {}) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => this.forward(request, response))
    this.server.on('connect', (request: IncomingMessage, socket: Socket, head: Buffer) =>
      this.tunnel(request, socket, head)
    )
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return this.url
  }

  /** `http://127.0.0.1:PORT`, what HTTPS_PROXY takes (without credentials). */
  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`
  }

  /** The proxy URL with credentials in it, percent-encoded. */
  urlWith(user: string, password: string): string {
    return `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${this.url.slice('http://'.length)}`
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve()
    )
  }

  private authorized(request: IncomingMessage): boolean {
    const { auth } = this.options
    if (!auth) return true
    const expected = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`
    return request.headers['proxy-authorization'] === expected
  }

  private address(host: string): string {
    return this.options.hosts?.[host] ?? host
  }

  private tunnel(request: IncomingMessage, client: Socket, head: Buffer): void {
    const record: ProxiedRequest = {
      method: 'CONNECT',
      target: request.url ?? '',
      authorized: this.authorized(request),
      status: 200
    }
    this.requests.push(record)
    if (this.options.silent) return
    const refusal = !record.authorized ? 407 : this.options.refuse
    if (refusal) {
      record.status = refusal
      const challenge = refusal === 407 ? 'Proxy-Authenticate: Basic realm="proxy"\r\n' : ''
      client.end(`HTTP/1.1 ${refusal} Refused\r\n${challenge}Content-Length: 0\r\n\r\n`)
      return
    }
    const [host, port] = (request.url ?? '').split(':')
    const upstream = connect(Number(port), this.address(host), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  }

  private forward(request: IncomingMessage, response: ServerResponse): void {
    const record: ProxiedRequest = {
      method: request.method ?? '',
      target: request.url ?? '',
      authorized: this.authorized(request),
      status: 200
    }
    this.requests.push(record)
    if (!record.authorized) {
      record.status = 407
      return void response.writeHead(407, { 'proxy-authenticate': 'Basic realm="proxy"' }).end()
    }
    const url = new URL(request.url ?? '/')
    const headers = { ...request.headers }
    delete headers['proxy-authorization']
    const upstream = forward(
      {
        host: this.address(url.hostname),
        port: url.port || 80,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      }
    )
    upstream.on('error', () => response.writeHead(502).end())
    request.pipe(upstream)
  }
}
