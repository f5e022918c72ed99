/**
 * The one bounded exchange (src/net/exchange.ts), against raw servers on
 * 127.0.0.1: the limit on the whole exchange, the deadline, a cancelled run,
 * the byte cap on the wire and after decompression, broken framing, and
 * answers on one keep-alive socket that must not add up.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import { systemClock } from '../../src/clock.js'
import { TransportError } from '../../src/net/errors.js'
import { MAX_RESPONSE_BYTES } from '../../src/net/body.js'
import { MAX_CONTENT_BYTES, MAX_STRING_BYTES, MAX_VALUES } from '../../src/net/compact-json.js'
import { exchange, withinScope } from '../../src/net/exchange.js'
import { createRouter } from '../../src/net/proxy.js'
import { type BulkShape, bulky } from '../../tools/emulator/faults.js'

const route = createRouter(() => undefined)
let http: Server
let raw: TcpServer
let httpPort: number
let rawPort: number
let connections = 0

/** 20 MiB of zeros, compressed three ways: a few KiB on the wire. */
const zeros = Buffer.alloc(20 * 1024 * 1024)
const bombs: Record<string, Buffer> = {
  gzip: gzipSync(zeros),
  deflate: deflateSync(zeros),
  br: brotliCompressSync(zeros)
}

beforeAll(async () => {
  http = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x')
    const kind = url.searchParams.get('kind')
    if (kind === 'size') return void response.end('x'.repeat(Number(url.searchParams.get('n'))))
    if (kind === 'bomb') {
      const encoding = url.searchParams.get('encoding')!
      response.writeHead(200, { 'content-encoding': encoding })
      return void response.end(bombs[encoding])
    }
    if (kind === 'gzip') {
      response.writeHead(200, { 'content-encoding': 'gzip' })
      return void response.end(gzipSync('{"ok":true}'))
    }
    if (kind === 'empty-gzip') {
      response.writeHead(Number(url.searchParams.get('status')), { 'content-encoding': 'gzip' })
      return void response.end()
    }
    if (kind === 'unknown-encoding') {
      response.writeHead(200, { 'content-encoding': 'zstd' })
      return void response.end('???')
    }
    if (kind === 'drip') {
      response.writeHead(200, { 'content-length': '100' })
      const timer = setInterval(() => response.write('x'), 200)
      response.on('close', () => clearInterval(timer))
      return
    }
    if (kind === 'hang') return
    if (kind === 'bulk') {
      const text = bulky(
        { RequestId: 'r-1', Status: 'SUCCESS' },
        url.searchParams.get('shape') as BulkShape
      )
      const gzip = url.searchParams.has('gzip')
      response.writeHead(
        Number(url.searchParams.get('status') ?? 200),
        gzip ? { 'content-encoding': 'gzip' } : {}
      )
      return void response.end(gzip ? gzipSync(text) : text)
    }
    response.end('{}')
  })
  http.on('connection', () => connections++)
  http.keepAliveTimeout = 5000
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  httpPort = (http.address() as AddressInfo).port
  // A server that writes broken HTTP by hand.
  raw = createTcpServer((socket) => {
    socket.once('data', (data) => {
      const path = /^[A-Z]+ (\S+)/.exec(data.toString())?.[1] ?? ''
      if (path.includes('dup-length'))
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\n{}')
      else if (path.includes('bad-status')) socket.end('HTTTP/1.1 200 OK\r\n\r\n{}')
      else if (path.includes('cut'))
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"Ima')
      else socket.destroy()
    })
  })
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
  rawPort = (raw.address() as AddressInfo).port
})

afterAll(async () => {
  http.closeAllConnections()
  await new Promise<void>((resolve) => http.close(() => resolve()))
  await new Promise<void>((resolve) => raw.close(() => resolve()))
})

const get = (path: string, port = httpPort, limitMs?: number) =>
  exchange(
    { method: 'GET', url: new URL(`http://127.0.0.1:${port}${path}`), headers: {}, limitMs },
    route
  )

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown
  )
  expect(error).toBeInstanceOf(TransportError)
  return error as TransportError
}

test('the size bound is per exchange: answers on one keep-alive socket do not add up', async () => {
  const before = connections
  for (let i = 0; i < 5; i++) expect((await get('/?kind=size&n=3000')).body.length).toBe(3000)
  expect(connections - before).toBe(1)
})

test('one answer over 16 MiB on the wire is refused', async () => {
  const error = await failure(get(`/?kind=size&n=${MAX_RESPONSE_BYTES + 10}`))
  expect(error).toMatchObject({ kind: 'too-large', code: 'ResponseTooLarge' })
})

test.each(['gzip', 'deflate', 'br'])(
  'a %s answer that inflates past 16 MiB is refused, counted after decompression',
  async (encoding) => {
    expect(bombs[encoding].length).toBeLessThan(64 * 1024)
    const error = await failure(get(`/?kind=bomb&encoding=${encoding}`))
    expect(error).toMatchObject({ kind: 'too-large' })
  }
)

test.each([
  ['whitespace', 'space', undefined],
  ['one long text', 'text', 'x'],
  ['100 texts of 100 KB', 'texts', 'y']
])(
  `a 15.5 MiB answer of %s is read made small: the same object, texts cut to ${MAX_STRING_BYTES / 1024} KiB`,
  async (_name, shape, letter) => {
    for (const gzip of ['', '&gzip']) {
      const response = await get(`/?kind=bulk&shape=${shape}${gzip}`)
      expect(response.body.length).toBeLessThanOrEqual(MAX_CONTENT_BYTES)
      const parsed = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>
      expect(parsed).toMatchObject({ RequestId: 'r-1', Status: 'SUCCESS' })
      if (!letter) continue
      const texts = [parsed.Filler].flat() as string[]
      for (const text of texts) expect(text).toBe(`${letter.repeat(MAX_STRING_BYTES)}…`)
    }
  }
)

test.each([
  ['numbers', `over ${MAX_VALUES.toLocaleString('en-US')} JSON values`],
  ['objects', `over ${MAX_VALUES.toLocaleString('en-US')} JSON values`]
])(
  'a 15.5 MiB answer of %s is over the bound: refused on a success status, dropped on an error status',
  async (shape, why) => {
    for (const gzip of ['', '&gzip']) {
      const error = await failure(get(`/?kind=bulk&shape=${shape}${gzip}`))
      expect(error).toMatchObject({ kind: 'too-large', code: 'ResponseTooLarge' })
      expect(error.message).toContain(why)
      const answer = await get(`/?kind=bulk&shape=${shape}&status=503${gzip}`)
      expect(answer).toMatchObject({ status: 503, dropped: why })
      expect(answer.body.length).toBe(0)
    }
  }
)

test.each([204, 503])(
  'an empty body that names an encoding is an empty body: HTTP %i is kept',
  async (status) => {
    const response = await get(`/?kind=empty-gzip&status=${status}`)
    expect(response).toMatchObject({ status })
    expect(response.body.length).toBe(0)
  }
)

test('a compressed answer within the cap is read', async () => {
  expect((await get('/?kind=gzip')).body.toString()).toBe('{"ok":true}')
})

test('an encoding nobody asked for is refused, worth a retry', async () => {
  expect(await failure(get('/?kind=unknown-encoding'))).toMatchObject({ kind: 'encoding' })
})

test.each([
  ['duplicate Content-Length', '/dup-length', 'HPE_UNEXPECTED_CONTENT_LENGTH'],
  ['a bad status line', '/bad-status', 'HPE_INVALID_CONSTANT'],
  ['a body cut short', '/cut', undefined],
  ['a socket closed without an answer', '/close', undefined]
])('%s is broken framing or a lost connection, never an answer', async (_name, path, code) => {
  const error = await failure(get(path, rawPort))
  expect(['framing', 'network']).toContain(error.kind)
  if (code) expect(error.code).toBe(code)
})

test('a body that trickles in is cut off at the exchange limit', async () => {
  const started = performance.now()
  const error = await failure(get('/?kind=drip', httpPort, 1000))
  expect(error).toMatchObject({ kind: 'timeout', code: 'RequestTimeout' })
  expect(performance.now() - started).toBeLessThan(2000)
})

test('the deadline bounds the exchange; with no time left, nothing is sent', async () => {
  const started = performance.now()
  const clock = systemClock
  const error = await failure(
    withinScope({ clock, deadline: clock.now() + 1200 }, () => get('/?kind=hang'))
  )
  expect(error.kind).toBe('timeout')
  expect(performance.now() - started).toBeLessThan(2000)
  const notSent = await failure(
    withinScope({ clock, deadline: clock.now() + 200 }, () => get('/?kind=hang'))
  )
  expect(notSent).toMatchObject({ kind: 'deadline', reached: false })
})

test('a cancelled run ends an exchange in flight at once', async () => {
  const abort = new AbortController()
  setTimeout(() => abort.abort(), 100)
  const started = performance.now()
  const clock = systemClock
  const error = await failure(
    withinScope({ clock, deadline: clock.now() + 10_000, signal: abort.signal }, () =>
      get('/?kind=hang')
    )
  )
  expect(error).toMatchObject({ kind: 'aborted', code: 'RequestAborted' })
  expect(performance.now() - started).toBeLessThan(1000)
})

test('a refused connection never reached the server', async () => {
  const error = await failure(get('/', 9))
  expect(error).toMatchObject({ kind: 'network', code: 'ECONNREFUSED', reached: false })
})
