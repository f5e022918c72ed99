/**
 * A server on 127.0.0.1 that gives the answers it is scripted with, in order
 * (the last one repeats), and records every request: for in-process tests of
 * clients that read any HTTP answer (STS, the metadata service, the ID token).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ScriptedAnswer {
  status: number
  body?: string | object
  headers?: Record<string, string>
  /** Never answer (the socket stays open). */
  hang?: boolean
}

export interface ScriptedRequest {
  method: string
  url: string
  headers: Record<string, string | string[] | undefined>
  body: string
}

export class ScriptedServer {
  readonly requests: ScriptedRequest[] = []
  private server?: Server

  constructor(public answers: ScriptedAnswer[]) {}

  async start(): Promise<string> {
    this.server = createServer(async (request, response) => {
      const chunks: Buffer[] = []
      for await (const chunk of request) chunks.push(chunk as Buffer)
      this.requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8')
      })
      const answer = this.answers.length > 1 ? this.answers.shift()! : this.answers[0]
      if (answer.hang) return
      const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {})
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
      response.end(body)
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return this.host
  }

  get host(): string {
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve()
    )
  }
}
