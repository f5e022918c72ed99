/**
 * The networks self-hosted runners live in, through dist/: a corporate proxy
 * (CONNECT, basic auth, refusals, a proxy that stalls), hosts that resolve
 * only through it, a TLS-inspecting proxy's private CA in NODE_EXTRA_CA_CERTS,
 * NO_PROXY, and credentials of the proxy that never show.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  EcsEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET,
  TEST_PIPELINE_ID
} from '../../tools/emulator/server.js'
import {
  IdTokenServer,
  TEST_PROVIDER_ARN,
  TEST_ROLE_ARN,
  trustingSts
} from '../../tools/id-token.js'
import { errors, launch, type LaunchOptions, ROOT } from '../../tools/launcher.js'
import { type ProxyOptions, ProxyStandIn } from '../../tools/proxy.js'
import { QUICK_STEPS } from './harness.js'

const ROLE = TEST_ROLE_ARN
const PROVIDER = TEST_PROVIDER_ARN
const ECS_HOST = 'ecs.cn-hangzhou.aliyuncs.com'
const STS_HOST = 'sts.aliyuncs.com'
const CA = join(ROOT, '__fixtures__', 'tls', 'ca.pem')

let emulator: EcsEmulator
let idTokens: IdTokenServer
let proxy: ProxyStandIn | undefined
let dir: string

beforeEach(async () => {
  idTokens = new IdTokenServer()
  await idTokens.start()
  // The cloud, over TLS with a certificate of a private CA (as a TLS-inspecting proxy would present).
  emulator = new EcsEmulator({
    defaultPlan: { steps: QUICK_STEPS },
    tls: {
      key: readFileSync(join(ROOT, '__fixtures__', 'tls', 'server-key.pem'), 'utf8'),
      cert: readFileSync(join(ROOT, '__fixtures__', 'tls', 'server.pem'), 'utf8')
    },
    sts: trustingSts(idTokens)
  })
  await emulator.start()
  dir = mkdtempSync(join(tmpdir(), 'networks-'))
})
afterEach(async () => {
  await emulator.stop()
  await idTokens.stop()
  await proxy?.stop()
  proxy = undefined
  rmSync(dir, { recursive: true, force: true })
})

async function startProxy(options: ProxyOptions = {}): Promise<ProxyStandIn> {
  proxy = new ProxyStandIn({
    hosts: { [ECS_HOST]: '127.0.0.1', [STS_HOST]: '127.0.0.1' },
    ...options
  })
  await proxy.start()
  return proxy
}

/** The cloud's host names, on the emulator's port: they resolve only through the proxy (or the hosts map). */
function cloudInputs(overrides: Record<string, string> = {}): Record<string, string> {
  const port = new URL(emulator.endpoint).port
  return {
    'region-id': 'cn-hangzhou',
    'image-pipeline-id': TEST_PIPELINE_ID,
    endpoint: `${ECS_HOST}:${port}`,
    'sts-endpoint': `${STS_HOST}:${port}`,
    'role-to-assume': ROLE,
    'oidc-provider-arn': PROVIDER,
    'poll-interval': '1s',
    'max-poll-interval': '2s',
    timeout: '1m',
    ...overrides
  }
}

function step(
  inputs: Record<string, string>,
  env: Record<string, string>,
  extra: Partial<LaunchOptions> = {}
) {
  return launch({
    inputs,
    env: { ...idTokens.env, NODE_EXTRA_CA_CERTS: CA, ...env },
    connectionLog: join(dir, 'connections.jsonl'),
    ...extra
  })
}

/** Where the step itself connected, and which names it looked up. */
function connections(): Array<{ kind: string; host: string; port?: number }> {
  return readFileSync(join(dir, 'connections.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { kind: string; host: string; port?: number })
}

test('https through a proxy to hosts that resolve only through it, with a private CA: ECS and STS tunnelled, signatures intact', async () => {
  const through = await startProxy()
  const result = await step(cloudInputs(), { HTTPS_PROXY: through.url })
  expect(result.exitCode).toBe(0)
  expect(result.outputs.status).toBe('SUCCESS')
  expect(result.stderr).not.toMatch(/Warning|\[DEP\d+\]/)
  const port = new URL(emulator.endpoint).port
  const tunnels = new Set(through.requests.map((r) => `${r.method} ${r.target}`))
  expect(tunnels).toEqual(new Set([`CONNECT ${ECS_HOST}:${port}`, `CONNECT ${STS_HOST}:${port}`]))
  // The emulator checked every signature: all answered 200.
  expect(emulator.requests.every((r) => r.httpStatus === 200)).toBe(true)
  // The step looked up no cloud name and connected to nothing but the proxy and the (loopback) ID-token service.
  const seen = connections()
  expect(seen.filter((c) => c.kind === 'lookup' && /aliyuncs/.test(c.host))).toEqual([])
  const proxyPort = Number(new URL(through.url).port)
  for (const c of seen.filter((c) => c.kind === 'connect')) expect(c.host).toBe('127.0.0.1')
  expect(seen.some((c) => c.kind === 'connect' && c.port === proxyPort)).toBe(true)
})

test('without the CA, the inspecting proxy certificate is refused: certificates are always verified', async () => {
  const through = await startProxy()
  const result = await step(cloudInputs(), { HTTPS_PROXY: through.url, NODE_EXTRA_CA_CERTS: '' })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(
    /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/
  )
  expect(errors(result)[0]).toMatch(/NODE_EXTRA_CA_CERTS/)
})

test('basic auth in the proxy URL: the tunnel is authorized, and the password never shows', async () => {
  const password = 'pr0xy-p@ss:word'
  const through = await startProxy({ auth: { user: 'ci', password } })
  const result = await step(cloudInputs(), { https_proxy: through.urlWith('ci', password) })
  expect(result.exitCode).toBe(0)
  expect(through.requests.every((r) => r.authorized)).toBe(true)
  const unmasked = result.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'))
  for (const form of [password, encodeURIComponent(password)]) {
    expect(unmasked.join('\n')).not.toContain(form)
    expect(result.summary).not.toContain(form)
  }
  expect(result.stdout).toContain(`::add-mask::${password}`)
})

test('NO_PROXY: a listed host suffix is reached directly, and the proxy sees nothing', async () => {
  const through = await startProxy()
  const result = await step(
    cloudInputs(),
    { HTTPS_PROXY: through.url, NO_PROXY: 'example.invalid, .aliyuncs.com' },
    { hosts: { [ECS_HOST]: '127.0.0.1', [STS_HOST]: '127.0.0.1' } }
  )
  expect(result.exitCode).toBe(0)
  expect(through.requests).toEqual([])
})

test('NO_PROXY=*: nothing is proxied', async () => {
  const through = await startProxy()
  const result = await step(
    cloudInputs(),
    { HTTPS_PROXY: through.url, no_proxy: '*' },
    { hosts: { [ECS_HOST]: '127.0.0.1', [STS_HOST]: '127.0.0.1' } }
  )
  expect(result.exitCode).toBe(0)
  expect(through.requests).toEqual([])
})

test('loopback hosts are never proxied, whatever NO_PROXY says', async () => {
  const through = await startProxy()
  const result = await launch({
    inputs: {
      'region-id': 'cn-hangzhou',
      'image-pipeline-id': TEST_PIPELINE_ID,
      endpoint: emulator.endpoint,
      'access-key-id': TEST_ACCESS_KEY_ID,
      'access-key-secret': TEST_ACCESS_KEY_SECRET,
      'poll-interval': '1s'
    },
    env: { HTTPS_PROXY: through.url, HTTP_PROXY: through.url, NODE_EXTRA_CA_CERTS: CA }
  })
  expect(result.exitCode).toBe(0)
  expect(through.requests).toEqual([])
})

test.each([
  [
    407,
    /the proxy http:\/\/127\.0\.0\.1:\d+ refused to connect to the host \(HTTP 407\).*Check: the proxy asks for credentials/
  ],
  [
    502,
    /the proxy http:\/\/127\.0\.0\.1:\d+ refused to connect to the host \(HTTP 502\).*Check: check HTTPS_PROXY/
  ]
])(
  'a proxy that refuses (%d): a clear error naming the proxy, not the API',
  async (status, words) => {
    const through = await startProxy({ refuse: status })
    const result = await step(cloudInputs({ timeout: '6s' }), { HTTPS_PROXY: through.url })
    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(words)
    expect(errors(result)[0]).toMatch(/ProxyRefused\.HTTP/)
    expect(emulator.requests).toHaveLength(0)
  },
  30_000
)

test('a proxy that accepts CONNECT and never answers: the step still ends by its timeout', async () => {
  const through = await startProxy({ silent: true })
  const began = Date.now()
  const result = await step(cloudInputs({ timeout: '5s' }), { HTTPS_PROXY: through.url })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(/RequestTimeout/)
  expect(Date.now() - began).toBeLessThan(5_000 + 5_000)
}, 30_000)

test('a proxy variable that names no HTTP proxy is an error that names the variable', async () => {
  const result = await step(cloudInputs(), { HTTPS_PROXY: 'socks5://127.0.0.1:1080' })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(/The environment variable HTTPS_PROXY is not an HTTP proxy URL/)
})
