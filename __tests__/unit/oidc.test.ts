import { expect, test } from '@jest/globals'
import { FakeClock, MemoryLog } from '../../__fixtures__/clock.js'
import { ApiError } from '../../src/api/errors.js'
import { OidcCredentials } from '../../src/credentials/oidc.js'
import { renewAt } from '../../src/credentials/session.js'
import type { AssumeRoleWithOidcParams, StsClient } from '../../src/credentials/sts.js'

const MINUTE = 60_000

function setUp(lifetimeMs = 60 * MINUTE, failures: Array<ApiError | undefined> = []) {
  const clock = new FakeClock()
  const log = new MemoryLog()
  const masked: string[] = []
  const calls: AssumeRoleWithOidcParams[] = []
  let tokens = 0
  const sts: StsClient = {
    async assumeRoleWithOidc(params) {
      calls.push(params)
      const failure = failures.shift()
      if (failure) throw failure
      return {
        accessKeyId: `STS.${calls.length}`,
        accessKeySecret: `secret-${calls.length}`,
        securityToken: `token-${calls.length}`,
        expiresAt: clock.now() + lifetimeMs
      }
    }
  }
  const credential = new OidcCredentials({
    roleArn: 'acs:ram::1:role/ci',
    providerArn: 'acs:ram::1:oidc-provider/gh',
    sessionName: 'github-1-1',
    durationSeconds: 3600,
    getToken: async () => `id-token-${++tokens}`,
    sts,
    clock,
    log,
    mask: (secret) => masked.push(secret)
  })
  return { clock, log, masked, calls, credential }
}

test.each([
  [0, 60 * MINUTE, 55 * MINUTE],
  [0, 15 * MINUTE, 11.25 * MINUTE],
  [0, 4000, 3000]
])(
  'renewAt(%d, %d) is %d: a quarter left, at most 5 minutes early',
  (obtained, expires, expected) => {
    expect(renewAt(obtained, expires)).toBe(expected)
  }
)

test('a 6-hour wait on 1-hour sessions: renewed ahead of expiry, each with a fresh token, all secrets masked', async () => {
  const { clock, calls, credential, masked } = setUp()
  const keys = new Set<string>()
  for (let elapsed = 0; elapsed <= 6 * 60 * MINUTE; elapsed += 10_000) {
    const model = await credential.getCredential()
    keys.add(model.accessKeyId)
    // Never hands out a session within 5 minutes of its end.
    const session = Number(model.accessKeyId.slice(4))
    const expiresAt = Date.UTC(2026, 10, 23, 8) + (session - 1) * 55 * MINUTE + 60 * MINUTE
    expect(expiresAt - clock.now()).toBeGreaterThan(5 * MINUTE - 10_001)
    clock.advance(10_000)
  }
  expect(calls.length).toBe(7)
  expect(keys.size).toBe(7)
  expect(new Set(calls.map((c) => c.oidcToken)).size).toBe(7)
  expect(masked).toEqual(
    expect.arrayContaining([
      'id-token-1',
      'secret-1',
      'token-1',
      'id-token-7',
      'secret-7',
      'token-7'
    ])
  )
})

test('concurrent callers share one exchange', async () => {
  const { calls, credential } = setUp()
  await Promise.all([
    credential.getCredential(),
    credential.getCredential(),
    credential.getCredential()
  ])
  expect(calls).toHaveLength(1)
})

test('a transient STS failure is retried; an expired OIDC token gets one fresh retry', async () => {
  const unavailable = new ApiError({
    operation: 'AssumeRoleWithOIDC',
    code: 'ServiceUnavailable',
    message: '',
    transient: true,
    throttled: false
  })
  const expired = new ApiError({
    operation: 'AssumeRoleWithOIDC',
    code: 'AuthenticationFail.OIDCToken.Expired',
    message: '',
    transient: false,
    throttled: false
  })
  const { calls, credential } = setUp(60 * MINUTE, [unavailable, expired])
  expect((await credential.getCredential()).accessKeyId).toBe('STS.3')
  expect(calls.map((c) => c.oidcToken)).toEqual(['id-token-1', 'id-token-2', 'id-token-3'])
})

test('a refused exchange fails at once', async () => {
  const denied = new ApiError({
    operation: 'AssumeRoleWithOIDC',
    code: 'AuthenticationFail.OIDCToken.AudienceNotMatch',
    message: 'Invalid audience.',
    transient: false,
    throttled: false
  })
  const { calls, credential } = setUp(60 * MINUTE, [denied])
  await expect(credential.getCredential()).rejects.toThrow(/AudienceNotMatch/)
  expect(calls).toHaveLength(1)
})

test('a session that is still valid is kept when its renewal fails; once it ends, the failure shows', async () => {
  const { clock, log, credential } = setUp(60 * MINUTE)
  expect((await credential.getCredential()).accessKeyId).toBe('STS.1')
  const denied = new ApiError({
    operation: 'AssumeRoleWithOIDC',
    code: 'AuthenticationFail.NoPermission',
    message: '',
    transient: false,
    throttled: false
  })
  const failing = credential as unknown as { options: { sts: StsClient } }
  failing.options.sts = { assumeRoleWithOidc: async () => Promise.reject(denied) }
  clock.advance(56 * MINUTE)
  expect((await credential.getCredential()).accessKeyId).toBe('STS.1')
  expect(log.at('warning')[0]).toMatch(/Could not renew the credentials yet/)
  clock.advance(4 * MINUTE)
  await expect(credential.getCredential()).rejects.toThrow(/NoPermission/)
})

test('invalidate forces a new session', async () => {
  const { calls, credential } = setUp()
  await credential.getCredential()
  expect(credential.invalidate()).toBe(true)
  expect((await credential.getCredential()).accessKeyId).toBe('STS.2')
  expect(calls).toHaveLength(2)
})
