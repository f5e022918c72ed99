/** Credentials that outlive the build: GitHub OIDC, renewal, static STS, masking, no stray hosts. */
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  IdTokenServer,
  TEST_PROVIDER_ARN,
  TEST_ROLE_ARN,
  trustingSts
} from '../../tools/id-token.js'
import { EcsEmulator, TEST_PIPELINE_ID } from '../../tools/emulator/server.js'
import { errors, launch, type LaunchResult } from '../../tools/launcher.js'
import { QUICK_STEPS } from './harness.js'

const ROLE = TEST_ROLE_ARN
const PROVIDER = TEST_PROVIDER_ARN
let emulator: EcsEmulator
let idTokens: IdTokenServer
let dir: string

beforeEach(async () => {
  idTokens = new IdTokenServer()
  await idTokens.start()
  emulator = new EcsEmulator({
    defaultPlan: { steps: QUICK_STEPS },
    credentials: {},
    sts: trustingSts(idTokens)
  })
  await emulator.start()
  dir = mkdtempSync(join(tmpdir(), 'credentials-test-'))
})
afterEach(async () => {
  await emulator.stop()
  await idTokens.stop()
  rmSync(dir, { recursive: true, force: true })
})

function oidcInputs(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'region-id': 'cn-hangzhou',
    'image-pipeline-id': TEST_PIPELINE_ID,
    endpoint: emulator.endpoint,
    'sts-endpoint': emulator.endpoint,
    'role-to-assume': ROLE,
    'oidc-provider-arn': PROVIDER,
    'poll-interval': '1s',
    'max-poll-interval': '2s',
    timeout: '2m',
    ...overrides
  }
}

/** Every secret the run read or obtained. */
function secrets(): string[] {
  const issued = [...emulator.credentials.values()].flatMap((c) => [
    c.secret,
    c.securityToken ?? ''
  ])
  return [...idTokens.issued, ...issued].filter(Boolean)
}

function expectOnlyMasked(result: LaunchResult, values: string[]): void {
  const streams = [
    result.stdout,
    result.stderr,
    result.post?.stdout ?? '',
    result.post?.stderr ?? ''
  ]
  for (const value of values) {
    for (const stream of streams) {
      const lines = stream.split('\n').filter((line) => line.includes(value))
      expect(lines.every((line) => line === `::add-mask::${value}`)).toBe(true)
    }
    expect(JSON.stringify(result.outputs)).not.toContain(value)
    expect(JSON.stringify(result.state)).not.toContain(value)
    expect(result.summary).not.toContain(value)
  }
}

test('GitHub OIDC: the ID token is exchanged for STS credentials, which sign every ECS request', async () => {
  const log = join(dir, 'connections.jsonl')
  const result = await launch({
    inputs: oidcInputs(),
    env: idTokens.env,
    post: true,
    connectionLog: log
  })
  expect(result.exitCode).toBe(0)
  expect(result.outputs.status).toBe('SUCCESS')
  expect(idTokens.requests).toEqual([
    expect.objectContaining({ audience: 'sts.aliyuncs.com', authorized: true })
  ])
  const [exchange] = emulator.calls('AssumeRoleWithOIDC')
  expect(exchange.params).toMatchObject({
    RoleArn: ROLE,
    OIDCProviderArn: PROVIDER,
    RoleSessionName: 'github-1234567890-1',
    DurationSeconds: '3600'
  })
  expect(emulator.sessions).toHaveLength(1)
  const ecsCalls = emulator.requests.filter((r) => r.action !== 'AssumeRoleWithOIDC')
  expect(
    ecsCalls.every(
      (r) => r.accessKeyId === emulator.sessions[0].accessKeyId && r.httpStatus === 200
    )
  ).toBe(true)
  expect(result.stdout).toMatch(
    /Assumed role acs:ram::\d+:role\/github-image-builder \(session github-1234567890-1\); valid for (1h|59m 59s)/
  )
  expectOnlyMasked(result, secrets())

  // No connection to any host but the configured ones: the emulator and the ID-token endpoint.
  const allowed = new Set(
    [new URL(emulator.endpoint).port, new URL(idTokens.env.ACTIONS_ID_TOKEN_REQUEST_URL).port].map(
      Number
    )
  )
  const entries = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind: string; host: string; port?: number })
  expect(entries.filter((e) => e.kind === 'connect').length).toBeGreaterThan(0)
  for (const entry of entries) {
    expect(['127.0.0.1', 'localhost']).toContain(entry.host)
    if (entry.kind === 'connect') expect(allowed.has(Number(entry.port))).toBe(true)
  }
})

test('a wait that outlives several credential lifetimes keeps working', async () => {
  emulator.sts!.credentialTtlMs = 2500
  emulator.planNext(TEST_PIPELINE_ID, {
    steps: [
      { status: 'PREPARING', ms: 500 },
      { status: 'BUILDING', ms: 7000 },
      { status: 'RELEASING', ms: 500 }
    ]
  })
  const result = await launch({
    inputs: oidcInputs({ 'max-poll-interval': '1s' }),
    env: idTokens.env
  })
  expect(result.exitCode).toBe(0)
  expect(result.outputs.status).toBe('SUCCESS')
  expect(emulator.sessions.length).toBeGreaterThanOrEqual(3)
  expect(idTokens.requests.length).toBe(emulator.sessions.length)
  // Every ECS request was accepted: renewal always came before expiry.
  expect(
    emulator.requests.filter((r) => r.action !== 'AssumeRoleWithOIDC' && r.httpStatus !== 200)
  ).toEqual([])
  expect(result.stdout).toMatch(/Renewed role/)
  expectOnlyMasked(result, secrets())
}, 60_000)

test('without the id-token permission: a clear error before any request', async () => {
  const result = await launch({ inputs: oidcInputs() })
  expect(result.exitCode).toBe(1)
  expect(errors(result)).toEqual([
    expect.stringMatching(
      /Input "role-to-assume" needs the job's GitHub ID token.*add "permissions: id-token: write"/
    )
  ])
  expect(emulator.requests).toHaveLength(0)
  expect(idTokens.requests).toHaveLength(0)
})

test("a role whose trust policy refuses the token's audience fails with the STS error and what to check", async () => {
  const result = await launch({
    inputs: oidcInputs({ audience: 'https://github.com/octo-org' }),
    env: idTokens.env
  })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(
    /AssumeRoleWithOIDC \(role acs:ram::\d+:role\/github-image-builder\) failed: AuthenticationFail\.OIDCToken\.AudienceNotMatch: Invalid audience\. \(RequestId: [0-9A-F-]+\)\. Check: check role-to-assume/
  )
  expect(emulator.calls('StartImagePipelineExecution')).toHaveLength(0)
})

test("the vendor's OIDC variables: the token file is read afresh for each session", async () => {
  emulator.sts!.credentialTtlMs = 2500
  const tokenFile = join(dir, 'token')
  writeFileSync(tokenFile, idTokens.issue('sts.aliyuncs.com'))
  const inputs = oidcInputs({ 'role-to-assume': '', 'oidc-provider-arn': '' })
  emulator.planNext(TEST_PIPELINE_ID, { steps: [{ status: 'BUILDING', ms: 4000 }] })
  const result = await launch({
    inputs,
    env: {
      ALIBABA_CLOUD_ROLE_ARN: ROLE,
      ALIBABA_CLOUD_OIDC_PROVIDER_ARN: PROVIDER,
      ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile
    }
  })
  expect(result.exitCode).toBe(0)
  expect(result.stdout).toContain('credentials: OIDC token file ALIBABA_CLOUD_OIDC_TOKEN_FILE')
  expect(emulator.sessions.length).toBeGreaterThanOrEqual(2)
  expectOnlyMasked(result, secrets())
})

test('an expired static STS token mid-wait: the error says so and recommends role-to-assume', async () => {
  emulator.credentials.set('STS.static', {
    secret: 'static-secret',
    securityToken: 'static-token',
    expiresAt: Date.now() + 2500
  })
  emulator.planNext(TEST_PIPELINE_ID, { steps: [{ status: 'BUILDING', ms: 60_000 }] })
  const result = await launch({
    inputs: oidcInputs({ 'role-to-assume': '', 'oidc-provider-arn': '' }),
    env: {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.static',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'static-secret',
      ALIBABA_CLOUD_SECURITY_TOKEN: 'static-token'
    }
  })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(
    /DescribeImagePipelineExecutions \(execution exec-\w+\) failed: InvalidSecurityToken\.Expired: .*Check: the STS security token is expired.*use role-to-assume/
  )
  expect(result.outputs.status).toBe('BUILDING')
  // Refused as expired, it is not retried in a storm: one refusal per operation at most.
  const refused = emulator.requests.filter((r) => r.code === 'InvalidSecurityToken.Expired')
  expect(refused.length).toBeGreaterThanOrEqual(1)
  expect(new Set(refused.map((r) => r.action)).size).toBe(refused.length)
  expectOnlyMasked(result, ['static-secret', 'static-token'])
})
