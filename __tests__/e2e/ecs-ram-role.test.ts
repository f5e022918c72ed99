/**
 * ecs-ram-role: a self-hosted runner on an ECS instance gets its RAM role's
 * credentials from the instance metadata service (hardened mode first, plain
 * mode when the token request fails, as the vendor's library does), renews
 * them during a long wait, and says clearly what is wrong when it cannot.
 */
import { afterEach, expect, test } from '@jest/globals'
import { errors } from '../../tools/launcher.js'
import { MetadataEmulator, type MetadataOptions } from '../../tools/emulator/metadata.js'
import { run, TEST_PIPELINE_ID, useEmulator } from './harness.js'

const emulator = useEmulator()
let metadata: MetadataEmulator

function start(lifetimeMs?: number, options: MetadataOptions = {}): Promise<string> {
  metadata = new MetadataEmulator(emulator(), { roleName: 'runner-role', lifetimeMs, ...options })
  return metadata.start()
}
afterEach(() => metadata?.stop())

/** Inputs for the instance role: no keys at all. */
function roleInputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'access-key-id': '',
    'access-key-secret': '',
    'ecs-ram-role': 'runner-role',
    'metadata-endpoint': metadata.endpoint,
    ...extra
  }
}

test("the instance's RAM role signs the build: a session token first, secrets masked", async () => {
  await start()
  const result = await run(emulator(), roleInputs())
  expect(result.exitCode).toBe(0)
  expect(result.outputs.status).toBe('SUCCESS')
  expect(metadata.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
    'PUT /latest/api/token 200',
    'GET /latest/meta-data/ram/security-credentials/runner-role 200'
  ])
  expect(metadata.requests[1].hasToken).toBe(true)
  const key = metadata.issued[0]
  const calls = emulator().requests.filter((r) => r.accessKeyId === key)
  expect(calls.length).toBeGreaterThan(1)
  const masks = result.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'))
  expect(masks).toHaveLength(3) // the metadata token, the secret, the security token
  expect(result.stdout).toMatch(/runner-role from the metadata service, hardened mode; valid for/)
})

test('credentials shorter-lived than the build are renewed during the wait', async () => {
  await start(4000)
  emulator().planNext(TEST_PIPELINE_ID, {
    steps: [
      { status: 'PREPARING', ms: 500 },
      { status: 'BUILDING', ms: 6000 }
    ]
  })
  const result = await run(emulator(), roleInputs())
  expect(result.exitCode).toBe(0)
  expect(metadata.issued.length).toBeGreaterThanOrEqual(2)
  expect(emulator().requests.filter((r) => r.code === 'InvalidSecurityToken.Expired')).toEqual([])
}, 30_000)

test('a role the instance does not have: a clear error naming the input, no ECS request', async () => {
  await start()
  const result = await run(emulator(), roleInputs({ 'ecs-ram-role': 'not-attached' }))
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(/no RAM role named "not-attached"; check ecs-ram-role/)
  expect(emulator().requests).toHaveLength(0)
})

test('no metadata service: a clear error that says what to check', async () => {
  await start()
  const inputs = roleInputs({ 'metadata-endpoint': '127.0.0.1:9' })
  await metadata.stop()
  const result = await run(emulator(), inputs)
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(/is this runner an ECS instance\? \(check metadata-endpoint\)/)
  expect(emulator().requests).toHaveLength(0)
})

test('with keys as well: an input error, and no request anywhere', async () => {
  await start()
  const result = await run(emulator(), {
    ...roleInputs(),
    'access-key-id': 'LTAI-x',
    'access-key-secret': 'y'
  })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(/^ecs-image-builder: Input "ecs-ram-role" cannot be combined/)
  expect(metadata.requests).toHaveLength(0)
  expect(emulator().requests).toHaveLength(0)
})

test('the stand-in refuses a credentials request without a session token (hardened mode)', async () => {
  const endpoint = await start(undefined, { hardenedOnly: true })
  const response = await fetch(
    `http://${endpoint}/latest/meta-data/ram/security-credentials/runner-role`
  )
  expect(response.status).toBe(401)
  expect(metadata.issued).toEqual([])
})

test.each([
  ['refused (HTTP 403)', { refuseTokens: 403 }],
  ['not answered within a second', { ignoreTokens: true }]
])('a token request %s: a plain GET serves, and the log says so', async (_what, options) => {
  await start(undefined, options)
  const result = await run(emulator(), roleInputs())
  expect(result.exitCode).toBe(0)
  expect(metadata.requests.map((r) => `${r.method} ${r.hasToken}`)).toEqual([
    'PUT false',
    'GET false'
  ])
  expect(result.stdout).toMatch(/from the metadata service, plain mode \(hardened mode failed: /)
})

test('ALIBABA_CLOUD_IMDSV1_DISABLED=true: a refused token is an error naming what to check, no plain GET', async () => {
  await start(undefined, { refuseTokens: 403 })
  const result = await run(emulator(), roleInputs(), {
    env: { ALIBABA_CLOUD_IMDSV1_DISABLED: 'true' }
  })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(/refused a session token \(HTTP 403\); check metadata-endpoint/)
  expect(metadata.requests.map((r) => r.method)).toEqual(['PUT'])
  expect(emulator().requests).toHaveLength(0)
})

test('hardened mode only, and a refused token: the plain GET is refused too, and the error says both', async () => {
  await start(undefined, { refuseTokens: 403, hardenedOnly: true })
  const result = await run(emulator(), roleInputs())
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(
    /refused a session token \(HTTP 403\).*the plain request that followed failed too \(MetadataService.HTTP401\)/
  )
  expect(emulator().requests).toHaveLength(0)
})
