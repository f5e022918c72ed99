/**
 * The credential sources in process, against scripted servers on 127.0.0.1:
 * STS, the GitHub ID token, the instance metadata service. Sessions renew
 * ahead of their end on the service's clock, dead keys are never used again,
 * every failure is classified by its shape, and every secret is masked.
 */
import { afterEach, describe, expect, test } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FakeClock, MemoryLog } from '../../__fixtures__/clock.js'
import { type ScriptedAnswer, ScriptedServer } from '../../__fixtures__/scripted-server.js'
import { ApiError } from '../../src/api/errors.js'
import { accessKeys } from '../../src/credentials/access-keys.js'
import { ecsRamRole } from '../../src/credentials/ecs-ram-role.js'
import { environmentKeys } from '../../src/credentials/environment-keys.js'
import { githubOidc } from '../../src/credentials/github-oidc.js'
import { requestIdToken } from '../../src/credentials/id-token.js'
import { roleKeys } from '../../src/credentials/metadata.js'
import { oidcTokenFile } from '../../src/credentials/oidc-token-file.js'
import { StaticCredentials } from '../../src/credentials/provider.js'
import { lifetime, renewAt } from '../../src/credentials/session.js'
import type { ProviderContext } from '../../src/credentials/source.js'
import { createRouter } from '../../src/net/proxy.js'

const MINUTE = 60_000
const route = createRouter(() => undefined)
const servers: ScriptedServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()))
})

async function serve(answers: ScriptedAnswer[]): Promise<ScriptedServer> {
  const server = new ScriptedServer(answers)
  servers.push(server)
  await server.start()
  return server
}

function context(sts: ScriptedServer | undefined, metadata?: ScriptedServer) {
  const masked: string[] = []
  const clock = new FakeClock()
  const log = new MemoryLog()
  const ctx: ProviderContext = {
    stsEndpoint: { host: sts?.host ?? '127.0.0.1:9', protocol: 'http' },
    metadataEndpoint: { host: metadata?.host ?? '127.0.0.1:9', protocol: 'http' },
    route,
    log,
    clock,
    mask: (secret) => masked.push(secret)
  }
  return { ctx, masked, clock, log }
}

/** An STS answer whose Expiration is `lifetimeMs` after its own Date header. */
function assumed(
  n: number,
  lifetimeMs = 60 * MINUTE,
  serverNow = Date.UTC(2030, 0, 1)
): ScriptedAnswer {
  return {
    status: 200,
    headers: { date: new Date(serverNow).toUTCString() },
    body: {
      RequestId: `R-${n}`,
      Credentials: {
        AccessKeyId: `STS.${n}`,
        AccessKeySecret: `secret-${n}`,
        SecurityToken: `token-${n}`,
        Expiration: new Date(serverNow + lifetimeMs).toISOString()
      }
    }
  }
}

const role = {
  roleArn: 'acs:ram::1:role/ci',
  providerArn: 'acs:ram::1:oidc-provider/gh',
  sessionName: 'github-1-1',
  durationSeconds: 3600
}

async function githubProvider(sts: ScriptedServer, ids: ScriptedServer) {
  const env = {
    ACTIONS_ID_TOKEN_REQUEST_URL: `http://${ids.host}/token?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-bearer'
  }
  const settings = githubOidc.choose(
    { 'role-to-assume': role.roleArn, 'oidc-provider-arn': role.providerArn },
    env,
    { runId: 1, runAttempt: 1, serverUrl: 'https://github.com' }
  )!
  const world = context(sts)
  return { ...world, provider: githubOidc.create(settings, world.ctx), settings }
}

const idTokens = () =>
  serve([
    { status: 200, body: { value: 'id-token-1' } },
    { status: 200, body: { value: 'id-token-2' } }
  ])

describe('renewal arithmetic', () => {
  test.each([
    [60 * MINUTE, 55 * MINUTE],
    [15 * MINUTE, 11.25 * MINUTE],
    [4000, 3000],
    [0, MINUTE],
    [-5 * MINUTE, MINUTE]
  ])('a session of %d ms is renewed at %d', (lifetimeMs, at) => {
    expect(renewAt(0, lifetimeMs)).toBe(at)
  })

  test("a lifetime is read on the service's clock, a second short for its whole-second Date", () => {
    const serverNow = Date.UTC(2030, 0, 1)
    expect(lifetime(new Date(serverNow + 3_600_000).toISOString(), serverNow, 1)).toBe(3_599_000)
    expect(lifetime('not a time', serverNow, 1234)).toBe(1234)
  })
})

describe('GitHub OIDC', () => {
  test('a 6-hour wait on 1-hour sessions: renewed ahead of their end, each with a fresh ID token', async () => {
    const sts = await serve(Array.from({ length: 10 }, (_, i) => assumed(i + 1)))
    const ids = await serve(
      Array.from({ length: 10 }, (_, i) => ({ status: 200, body: { value: `id-${i + 1}` } }))
    )
    const { provider, clock, masked } = await githubProvider(sts, ids)
    const keys = new Set<string>()
    for (let elapsed = 0; elapsed <= 6 * 60 * MINUTE; elapsed += 5 * MINUTE) {
      keys.add((await provider.getCredential()).accessKeyId)
      clock.advance(5 * MINUTE)
    }
    expect(keys.size).toBe(7)
    const tokens = sts.requests.map((r) => new URLSearchParams(r.body).get('OIDCToken'))
    expect(new Set(tokens).size).toBe(tokens.length)
    expect(ids.requests[0].headers.authorization).toBe('Bearer runtime-bearer')
    expect(ids.requests[0].url).toBe('/token?api-version=2.0&audience=sts.aliyuncs.com')
    expect(masked).toEqual(
      expect.arrayContaining(['id-1', 'secret-1', 'token-1', 'id-7', 'secret-7'])
    )
  })

  test("a runner clock hours off changes nothing: the lifetime is the service's", async () => {
    const sts = await serve([assumed(1, 60 * MINUTE, Date.UTC(2001, 0, 1)), assumed(2)])
    const { provider, clock } = await githubProvider(sts, await idTokens())
    await provider.getCredential()
    clock.advance(50 * MINUTE)
    expect((await provider.getCredential()).accessKeyId).toBe('STS.1')
    expect(sts.requests).toHaveLength(1)
  })

  test('concurrent callers share one exchange', async () => {
    const sts = await serve([assumed(1)])
    const { provider } = await githubProvider(sts, await idTokens())
    await Promise.all([
      provider.getCredential(),
      provider.getCredential(),
      provider.getCredential()
    ])
    expect(sts.requests).toHaveLength(1)
  })

  test('a 5xx is retried; an ID token that expired on the way is replaced once', async () => {
    const expired = {
      status: 400,
      body: { Code: 'AuthenticationFail.OIDCToken.Expired', Message: 'expired' }
    }
    const sts = await serve([{ status: 503, body: 'null' }, expired, assumed(3)])
    const { provider } = await githubProvider(sts, await idTokens())
    expect((await provider.getCredential()).accessKeyId).toBe('STS.3')
    expect(sts.requests).toHaveLength(3)
  })

  test('a refusal fails at once, naming the code and what to check', async () => {
    const sts = await serve([
      {
        status: 400,
        body: {
          Code: 'AuthenticationFail.OIDCToken.AudienceNotMatch',
          Message: 'Invalid audience.'
        }
      }
    ])
    const { provider } = await githubProvider(sts, await idTokens())
    await expect(provider.getCredential()).rejects.toThrow(
      /AudienceNotMatch: Invalid audience\..*trust policy/
    )
    expect(sts.requests).toHaveLength(1)
  })

  test('an answer without Credentials is not taken for keys', async () => {
    const sts = await serve([{ status: 200, body: { RequestId: 'R' } }, assumed(2)])
    const { provider } = await githubProvider(sts, await idTokens())
    expect((await provider.getCredential()).accessKeyId).toBe('STS.2')
  })

  test('a session still valid is kept when its renewal fails; once it ends, the failure shows', async () => {
    const denied = { status: 403, body: { Code: 'AuthenticationFail.NoPermission', Message: 'no' } }
    const sts = await serve([assumed(1), denied])
    const { provider, clock, log } = await githubProvider(sts, await idTokens())
    expect((await provider.getCredential()).accessKeyId).toBe('STS.1')
    clock.advance(56 * MINUTE)
    expect((await provider.getCredential()).accessKeyId).toBe('STS.1')
    expect(log.at('warning')[0]).toMatch(/Could not renew the credentials yet/)
    clock.advance(4 * MINUTE)
    await expect(provider.getCredential()).rejects.toThrow(/NoPermission/)
  })

  test('a session refused as expired is renewed; keys refused otherwise are dead, and never sent again', async () => {
    const sts = await serve([assumed(1), assumed(2)])
    const { provider } = await githubProvider(sts, await idTokens())
    await provider.getCredential()
    const refusal = (code: string) =>
      new ApiError({ operation: 'Op', code, message: code, transient: false, throttled: false })
    expect(provider.refused(refusal('InvalidSecurityToken.Expired'))).toBe(true)
    expect((await provider.getCredential()).accessKeyId).toBe('STS.2')
    expect(provider.refused(refusal('InvalidAccessKeyId.NotFound'))).toBe(false)
    await expect(provider.getCredential()).rejects.toThrow(/refused these credentials earlier/)
    expect(provider.refused(refusal('Forbidden.RAM'))).toBe(false)
  })

  test('the ID token: a refusal says what permission to add; a 5xx is worth a retry', async () => {
    const source = (server: ScriptedServer) => ({
      requestUrl: `http://${server.host}/t?x=1`,
      requestToken: 'b',
      audience: 'aud'
    })
    const denied = await serve([{ status: 401, body: { message: 'Bad credentials' } }])
    await expect(requestIdToken(source(denied), route)).rejects.toThrow(/HTTP 401.*id-token: write/)
    const broken = await serve([{ status: 502, body: 'null' }])
    await expect(requestIdToken(source(broken), route)).rejects.toMatchObject({ transient: true })
    const empty = await serve([{ status: 200, body: { other: 1 } }])
    await expect(requestIdToken(source(empty), route)).rejects.toMatchObject({
      code: 'UnparsableResponse'
    })
  })
})

test('the token file is read afresh for every session', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'token-'))
  const path = join(dir, 'token')
  writeFileSync(path, 'file-token-1\n')
  const settings = oidcTokenFile.choose(
    {},
    {
      ALIBABA_CLOUD_ROLE_ARN: role.roleArn,
      ALIBABA_CLOUD_OIDC_PROVIDER_ARN: role.providerArn,
      ALIBABA_CLOUD_OIDC_TOKEN_FILE: path
    },
    { serverUrl: 'https://github.com' }
  )!
  expect(oidcTokenFile.describe(settings)).toMatch(
    /ALIBABA_CLOUD_OIDC_TOKEN_FILE, role acs:ram::1:role\/ci/
  )
  const sts = await serve([assumed(1), assumed(2)])
  const { ctx, clock } = context(sts)
  const provider = oidcTokenFile.create(settings, ctx)
  await provider.getCredential()
  writeFileSync(path, 'file-token-2')
  clock.advance(56 * MINUTE)
  await provider.getCredential()
  expect(sts.requests.map((r) => new URLSearchParams(r.body).get('OIDCToken'))).toEqual([
    'file-token-1',
    'file-token-2'
  ])
})

describe('static keys', () => {
  test('inputs and environment: described, masked, never renewed, dead once refused', async () => {
    const fromInputs = accessKeys.choose(
      { 'access-key-id': 'id', 'access-key-secret': 'sk', 'security-token': 'tok' },
      {},
      { serverUrl: '' }
    )!
    expect(accessKeys.secrets(fromInputs)).toEqual(['sk', 'tok'])
    expect(accessKeys.describe(fromInputs)).toBe('STS token from the access-key-id input')
    const fromEnv = environmentKeys.choose(
      {},
      { ALIBABA_CLOUD_ACCESS_KEY_ID: 'id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sk' },
      { serverUrl: '' }
    )!
    expect(environmentKeys.describe(fromEnv)).toBe('AccessKey from ALIBABA_CLOUD_ACCESS_KEY_ID')
    expect(environmentKeys.choose({}, {}, { serverUrl: '' })).toBeUndefined()
    const keys = new StaticCredentials('id', 'sk', 'tok')
    expect(await keys.getCredential()).toMatchObject({ accessKeyId: 'id', providerName: 'static' })
    const expired = new ApiError({
      operation: 'Op',
      code: 'InvalidSecurityToken.Expired',
      message: 'expired',
      transient: false,
      throttled: false
    })
    expect(keys.refused(expired)).toBe(false)
    expect(keys.dead?.code).toBe('InvalidSecurityToken.Expired')
    await expect(keys.getCredential()).rejects.toMatchObject({
      code: 'InvalidSecurityToken.Expired',
      reached: false
    })
  })

  test.each([
    [{ 'access-key-secret': 'sk' }, /"access-key-id" is required with access-key-secret/],
    [{ 'security-token': 't' }, /"access-key-id" is required with security-token/],
    [{ 'access-key-id': 'id' }, /"access-key-secret" is required with access-key-id/]
  ])('half a pair is an input error: %p', (inputs, message) => {
    expect(() => accessKeys.choose(inputs, {}, { serverUrl: '' })).toThrow(message)
  })
})

describe('the instance metadata service', () => {
  const credentialsBody = (n: number, lifetimeMs = 6 * 60 * MINUTE) => {
    const serverNow = Date.UTC(2030, 0, 1)
    return {
      status: 200,
      headers: { date: new Date(serverNow).toUTCString() },
      body: {
        Code: 'Success',
        AccessKeyId: `STS.meta-${n}`,
        AccessKeySecret: `meta-secret-${n}`,
        SecurityToken: `meta-token-${n}`,
        Expiration: new Date(serverNow + lifetimeMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        LastUpdated: new Date(serverNow).toISOString()
      }
    }
  }
  const options = (server: ScriptedServer, plainDisabled = false, masked: string[] = []) => ({
    endpoint: { host: server.host, protocol: 'http' as const },
    route,
    plainDisabled,
    mask: (secret: string) => masked.push(secret)
  })

  test('hardened mode: a session token first, sent back with the request, masked', async () => {
    const server = await serve([{ status: 200, body: 'session-token' }, credentialsBody(1)])
    const masked: string[] = []
    const keys = await roleKeys(options(server, false, masked), 'runner-role')
    expect(keys).toMatchObject({
      accessKeyId: 'STS.meta-1',
      mode: 'hardened mode',
      lifetimeMs: 6 * 60 * MINUTE - 1000
    })
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'PUT /latest/api/token',
      'GET /latest/meta-data/ram/security-credentials/runner-role'
    ])
    expect(server.requests[0].headers['x-aliyun-ecs-metadata-token-ttl-seconds']).toBe('21600')
    expect(server.requests[1].headers['x-aliyun-ecs-metadata-token']).toBe('session-token')
    expect(masked).toEqual(['session-token'])
  })

  test.each([
    ['refused', { status: 403, body: 'Forbidden' }],
    ['answered with no token', { status: 200, body: '' }]
  ])(
    'a token request %s: a plain GET follows, as the vendor library does',
    async (_what, refusal) => {
      const server = await serve([refusal, credentialsBody(1)])
      const keys = await roleKeys(options(server), 'runner-role')
      expect(keys.mode).toMatch(/^plain mode \(hardened mode failed: /)
      expect(server.requests[1].headers['x-aliyun-ecs-metadata-token']).toBeUndefined()
    }
  )

  test('a GET with a token that fails is tried once more without it', async () => {
    const server = await serve([
      { status: 200, body: 'tok' },
      { status: 401, body: 'no' },
      credentialsBody(1)
    ])
    expect((await roleKeys(options(server), 'r')).mode).toMatch(/plain mode .*HTTP 401/)
  })

  test('ALIBABA_CLOUD_IMDSV1_DISABLED: no plain GET, the refusal is the error', async () => {
    const server = await serve([{ status: 403, body: 'Forbidden' }])
    await expect(roleKeys(options(server, true), 'r')).rejects.toThrow(
      /refused a session token \(HTTP 403\)/
    )
    expect(server.requests).toHaveLength(1)
  })

  test('no such role, in both modes: the error names the input', async () => {
    const server = await serve([
      { status: 200, body: 'tok' },
      { status: 404, body: 'Not Found' }
    ])
    await expect(roleKeys(options(server), 'missing')).rejects.toThrow(
      /no RAM role named "missing"; check ecs-ram-role.*failed too \(MetadataService.HTTP404\)/
    )
  })

  test('an answer without keys, or not JSON, is refused', async () => {
    const noKeys = await serve([
      { status: 200, body: 'tok' },
      { status: 200, body: { Code: 'Failed' } }
    ])
    await expect(roleKeys(options(noKeys, true), 'r')).rejects.toMatchObject({
      code: 'MetadataService.NoCredentials'
    })
    const notJson = await serve([
      { status: 200, body: 'tok' },
      { status: 200, body: 'oops' }
    ])
    await expect(roleKeys(options(notJson, true), 'r')).rejects.toMatchObject({
      code: 'MetadataService.HTTP502'
    })
  })

  test('the provider: the same keys until a quarter of their life is left; expired keys are not fetched on every call', async () => {
    const server = await serve([
      { status: 200, body: 'tok' },
      credentialsBody(1, -MINUTE),
      { status: 200, body: 'tok' },
      credentialsBody(2)
    ])
    const settings = ecsRamRole.choose({ 'ecs-ram-role': 'runner-role' }, {}, { serverUrl: '' })!
    expect(ecsRamRole.describe(settings)).toBe(
      "the instance's RAM role runner-role (instance metadata)"
    )
    const { ctx, clock, log } = context(undefined, server)
    const provider = ecsRamRole.create(settings, ctx)
    expect((await provider.getCredential()).accessKeyId).toBe('STS.meta-1')
    for (let i = 0; i < 5; i++) await provider.getCredential()
    expect(server.requests).toHaveLength(2)
    clock.advance(MINUTE)
    expect((await provider.getCredential()).accessKeyId).toBe('STS.meta-2')
    expect(log.at('info').join('\n')).toMatch(
      /Got the credentials of the instance's RAM role runner-role from the metadata service, hardened mode/
    )
  })

  test('ecs-ram-role refuses a name that is not a role name', () => {
    expect(() => ecsRamRole.choose({ 'ecs-ram-role': 'a b' }, {}, { serverUrl: '' })).toThrow(
      /not a RAM role name/
    )
  })
})
