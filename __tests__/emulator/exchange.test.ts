/** The action's own bound on one exchange, on a keep-alive connection, with real sockets on 127.0.0.1. */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { Agent, createServer, get, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { bounded } from '../../src/api/exchange.js'

let server: Server
let port: number
const agent = new Agent({ keepAlive: true, maxSockets: 1 })
let connections = 0

beforeAll(async () => {
  server = createServer((request, response) => {
    const size = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('size'))
    response.end('x'.repeat(size))
  })
  server.on('connection', () => connections++)
  server.keepAliveTimeout = 5000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  agent.destroy()
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

function fetchSize(size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: `/?size=${size}`, agent }, (response) => {
      let length = 0
      response.on('data', (chunk: Buffer) => (length += chunk.length))
      response.on('end', () => resolve(length))
      response.on('error', reject)
    }).on('error', reject)
  })
}

/** What Node itself keeps on an idle keep-alive socket, measured before any exchange. */
let dataListenersOfAnIdleSocket = -1
beforeAll(async () => {
  await fetchSize(10)
  const [socket] = Object.values(agent.freeSockets).flat()
  dataListenersOfAnIdleSocket = socket!.listenerCount('data')
})

test('the size bound is per exchange: answers on one keep-alive socket do not add up', async () => {
  // Five answers of 3 KB each on one connection: 15 KB in all, each under 10 KB.
  for (let i = 0; i < 5; i++)
    await expect(bounded(() => fetchSize(3000), 5000, 10_000)).resolves.toBe(3000)
  expect(connections).toBe(1)
  // No byte counter stays behind on the socket: they would add up every later answer.
  const [socket] = Object.values(agent.freeSockets).flat()
  expect(socket?.listenerCount('data')).toBe(dataListenersOfAnIdleSocket)
})

test('one answer over the bound is refused', async () => {
  await expect(bounded(() => fetchSize(12_000), 5000, 10_000)).rejects.toMatchObject({
    code: 'ResponseTooLarge'
  })
})
