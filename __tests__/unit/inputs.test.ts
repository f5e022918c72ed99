import { beforeEach, describe, expect, jest, test } from '@jest/globals'
import * as core from '../../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { getSettings } = await import('../../src/inputs/settings.js')
const { parseEndpoint } = await import('../../src/inputs/endpoints.js')
const { deriveClientToken } = await import('../../src/inputs/client-token.js')
const { deriveSessionName } = await import('../../src/credentials/oidc-session.js')
const { InputError } = await import('../../src/api/errors.js')
type RunOrigin = import('../../src/github.js').RunOrigin

const base = {
  'region-id': 'cn-hangzhou',
  'image-pipeline-id': 'ip-2ze5tsl5bp6nf2b3xxxx',
  'access-key-id': 'LTAI-id',
  'access-key-secret': 'secret'
}
const runEnv = {
  GITHUB_REPOSITORY: 'o/r',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_JOB: 'bake',
  GITHUB_ACTION: 'image'
}

/** What @actions/github's Context reads from these variables (src/github.ts), without touching process.env. */
function originOf(env: Record<string, string>): RunOrigin {
  return {
    repository: env.GITHUB_REPOSITORY,
    runId: env.GITHUB_RUN_ID ? Number(env.GITHUB_RUN_ID) : undefined,
    runAttempt: env.GITHUB_RUN_ATTEMPT ? Number(env.GITHUB_RUN_ATTEMPT) : undefined,
    job: env.GITHUB_JOB,
    step: env.GITHUB_ACTION,
    sha: env.GITHUB_SHA,
    serverUrl: 'https://github.com'
  }
}

function settings(inputs: Record<string, string>, env: Record<string, string> = runEnv) {
  core.setInputs(inputs)
  return getSettings(env, originOf(env))
}

/** The chosen credential source, and its settings. */
function credentialsOf(inputs: Record<string, string>, env: Record<string, string> = runEnv) {
  const { credentialSource: credentials } = settings(inputs, env)
  return { source: credentials.source, ...(credentials.settings as object) }
}

beforeEach(() => {
  jest.clearAllMocks()
})

test('defaults', () => {
  const s = settings(base)
  expect(s).toMatchObject({
    regionId: 'cn-hangzhou',
    pipelineId: 'ip-2ze5tsl5bp6nf2b3xxxx',
    // Provenance tags are on by default.
    tags: [
      { key: 'github-repository', value: 'o/r' },
      { key: 'github-run', value: '42/1' }
    ],
    metadataEndpoint: { host: '100.100.100.200', protocol: 'http' },
    waitForEnd: true,
    timeoutMs: 3_600_000,
    pollIntervalMs: 10_000,
    maxPollIntervalMs: 60_000,
    onTimeout: 'cancel',
    cancelOnJobCancel: true,
    ifRunning: 'fail',
    allowPartialSuccess: false,
    // The vendor's endpoint data names this host for cn-hangzhou (src/ecs/endpoints.ts).
    ecsEndpoint: { host: 'ecs-cn-hangzhou.aliyuncs.com', protocol: 'https' },
    stsEndpoint: { host: 'sts.aliyuncs.com', protocol: 'https' },
    clientTokenGiven: false
  })
  expect(credentialsOf(base)).toEqual({
    source: 'access keys',
    accessKeyId: 'LTAI-id',
    accessKeySecret: 'secret'
  })
  expect(s.credentialSource.describe()).toBe('AccessKey from the access-key-id input')
  expect(s.clientToken).toMatch(/^gha-42-1-[0-9a-f]{24}$/)
})

test('every input, set', () => {
  const s = settings({
    ...base,
    tags: 'a=1\nb=2',
    wait: 'FALSE',
    timeout: '1h30m',
    'poll-interval': '1s',
    'max-poll-interval': '5s',
    'on-timeout': 'leave',
    'cancel-on-job-cancel': 'false',
    'if-running': 'attach',
    'allow-partial-success': 'true',
    'client-token': 'my-token',
    'security-token': 'sts-token',
    endpoint: 'http://127.0.0.1:8080',
    'sts-endpoint': 'sts-vpc.cn-hangzhou.aliyuncs.com'
  })
  expect(s).toMatchObject({
    tags: [
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
      { key: 'github-repository', value: 'o/r' },
      { key: 'github-run', value: '42/1' }
    ],
    waitForEnd: false,
    timeoutMs: 5_400_000,
    pollIntervalMs: 1000,
    maxPollIntervalMs: 5000,
    onTimeout: 'leave',
    cancelOnJobCancel: false,
    ifRunning: 'attach',
    allowPartialSuccess: true,
    clientToken: 'my-token',
    clientTokenGiven: true,
    ecsEndpoint: { host: '127.0.0.1:8080', protocol: 'http' },
    stsEndpoint: { host: 'sts-vpc.cn-hangzhou.aliyuncs.com', protocol: 'https' }
  })
  expect(s.credentialSource.settings).toMatchObject({ securityToken: 'sts-token' })
  expect(s.credentialSource.secrets()).toEqual(['secret', 'sts-token'])
})

test.each([
  [{}, 'sts.aliyuncs.com'],
  [{ ALIBABA_CLOUD_STS_REGION: 'cn-shanghai' }, 'sts.cn-shanghai.aliyuncs.com'],
  [
    { ALIBABA_CLOUD_STS_REGION: 'cn-shanghai', ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED: 'TRUE' },
    'sts-vpc.cn-shanghai.aliyuncs.com'
  ],
  [{ ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED: 'true' }, 'sts.aliyuncs.com']
])('the STS host from the vendor variables %p: %s', (env, host) => {
  expect(settings(base, { ...runEnv, ...env }).stsEndpoint).toEqual({ host, protocol: 'https' })
  // The input wins.
  expect(
    settings({ ...base, 'sts-endpoint': 'http://127.0.0.1:9' }, { ...runEnv, ...env }).stsEndpoint
  ).toEqual({ host: '127.0.0.1:9', protocol: 'http' })
})

test('region from ALIBABA_CLOUD_REGION_ID; credentials from the ALIBABA_CLOUD_* variables', () => {
  const s = settings(
    { 'image-pipeline-id': 'ip-1' },
    {
      ...runEnv,
      ALIBABA_CLOUD_REGION_ID: 'cn-beijing',
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'env-id',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'env-secret',
      ALIBABA_CLOUD_SECURITY_TOKEN: 'env-token'
    }
  )
  expect(s.regionId).toBe('cn-beijing')
  expect(s.ecsEndpoint.host).toBe('ecs.cn-beijing.aliyuncs.com')
  expect({ source: s.credentialSource.source, ...(s.credentialSource.settings as object) }).toEqual(
    {
      source: 'environment keys',
      accessKeyId: 'env-id',
      accessKeySecret: 'env-secret',
      securityToken: 'env-token'
    }
  )
  expect(s.credentialSource.describe()).toBe('STS token from ALIBABA_CLOUD_ACCESS_KEY_ID')
})

test('execution-id needs no pipeline', () => {
  expect(
    settings({ ...base, 'image-pipeline-id': '', 'execution-id': 'exec-123' }).executionId
  ).toBe('exec-123')
})

const idTokenEnv = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/token?x=1',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'bearer'
}
const oidcInputs = {
  'region-id': 'cn-hangzhou',
  'image-pipeline-name': 'golden',
  'role-to-assume': 'acs:ram::1234567890:role/ci',
  'oidc-provider-arn': 'acs:ram::1234567890:oidc-provider/github'
}

test('OIDC settings', () => {
  expect(
    credentialsOf(
      { ...oidcInputs, audience: 'my-aud', 'role-session-expiration': '900' },
      { ...runEnv, ...idTokenEnv }
    )
  ).toEqual({
    source: 'GitHub OIDC',
    roleArn: 'acs:ram::1234567890:role/ci',
    providerArn: 'acs:ram::1234567890:oidc-provider/github',
    sessionName: 'github-42-1',
    durationSeconds: 900,
    token: {
      requestUrl: idTokenEnv.ACTIONS_ID_TOKEN_REQUEST_URL,
      requestToken: 'bearer',
      audience: 'my-aud'
    }
  })
})

test('role-to-assume without the id-token permission says exactly what to add', () => {
  expect(() => settings(oidcInputs)).toThrow(
    /^Input "role-to-assume" needs the job's GitHub ID token.*"permissions: id-token: write"/
  )
})

test('the vendor OIDC variables come last, after keys in the environment', () => {
  const oidcEnv = {
    ...runEnv,
    ALIBABA_CLOUD_ROLE_ARN: 'acs:ram::1:role/env',
    ALIBABA_CLOUD_OIDC_PROVIDER_ARN: 'acs:ram::1:oidc-provider/env',
    ALIBABA_CLOUD_OIDC_TOKEN_FILE: '/var/run/token'
  }
  const inputs = { 'region-id': 'cn-hangzhou', 'image-pipeline-id': 'ip-1' }
  expect(credentialsOf(inputs, oidcEnv)).toEqual({
    source: 'OIDC token file',
    roleArn: 'acs:ram::1:role/env',
    providerArn: 'acs:ram::1:oidc-provider/env',
    sessionName: 'github-42-1',
    durationSeconds: 3600,
    path: '/var/run/token'
  })
  const both = {
    ...oidcEnv,
    ALIBABA_CLOUD_ACCESS_KEY_ID: 'id',
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sk'
  }
  expect(settings(inputs, both).credentialSource.source).toBe('environment keys')
  expect(
    settings({ ...inputs, 'access-key-id': 'a', 'access-key-secret': 'b' }, both).credentialSource
  ).toMatchObject({ source: 'access keys' })
  expect(settings({ ...oidcInputs }, { ...both, ...idTokenEnv }).credentialSource).toMatchObject({
    source: 'GitHub OIDC'
  })
})

describe('bad input names the input', () => {
  const oidc = {
    'role-to-assume': 'acs:ram::1:role/ci',
    'oidc-provider-arn': 'acs:ram::1:oidc-provider/gh'
  }
  test.each([
    ['region-id', { 'region-id': '' }, /is required/],
    ['region-id', { 'region-id': 'Hangzhou' }, /not a region ID/],
    ['image-pipeline-id', { 'image-pipeline-id': '' }, /is required/],
    ['image-pipeline-id', { 'image-pipeline-id': 'ip 1' }, /not an image pipeline ID/],
    ['image-pipeline-name', { 'image-pipeline-name': 'x' }, /cannot be combined/],
    ['execution-id', { 'execution-id': 'exec/1' }, /not an execution ID/],
    ['tags', { tags: 'aliyun=1' }, /must not start/],
    ['tags', { tags: 'a=1,a=2' }, /twice/],
    ['tags', { tags: 'k=https://x' }, /http/],
    ['wait', { wait: 'yes' }, /must be true or false, not "yes"/],
    ['timeout', { timeout: '10x' }, /not a duration/],
    ['timeout', { timeout: '0' }, /longer than zero/],
    ['poll-interval', { 'poll-interval': '500ms' }, /at least 1s/],
    ['max-poll-interval', { 'poll-interval': '30s', 'max-poll-interval': '10s' }, /not be shorter/],
    ['on-timeout', { 'on-timeout': 'ignore' }, /one of cancel, leave/],
    ['cancel-on-job-cancel', { 'cancel-on-job-cancel': '1' }, /true or false/],
    ['if-running', { 'if-running': 'queue' }, /one of fail, wait, attach/],
    ['allow-partial-success', { 'allow-partial-success': 'maybe' }, /true or false/],
    ['client-token', { 'client-token': 'x'.repeat(65) }, /at most 64/],
    ['client-token', { 'client-token': 'tökén' }, /ASCII/],
    ['endpoint', { endpoint: 'http://ecs.example.com' }, /loopback/],
    ['endpoint', { endpoint: 'http://10.0.0.1:80' }, /loopback/],
    ['endpoint', { endpoint: 'ftp://x/y' }, /must use https/],
    ['endpoint', { endpoint: 'https://ecs.example.com/path' }, /no path, query or fragment/],
    ['endpoint', { endpoint: 'ecs.example.com?x=1' }, /no path, query or fragment/],
    // A user-info prefix made the old check read the host as [::1] (issue: loopback bypass).
    ['endpoint', { endpoint: 'http://[::1]@127.0.0.2:8080' }, /user info/],
    ['endpoint', { endpoint: 'http://localhost@evil.invalid' }, /user info/],
    ['sts-endpoint', { 'sts-endpoint': 'http://[::1]@sts.attacker.invalid' }, /user info/],
    ['region-id', { 'region-id': 'cn-hangzhou\n::warning::x' }, /control character/],
    ['image-pipeline-id', { 'image-pipeline-id': 'ip-1\rX' }, /control character/],
    ['tags', { tags: 'a=1\u0007' }, /control character other than a line break/],
    ['timeout', { timeout: '9'.repeat(400) }, /too long a duration/],
    ['timeout', { timeout: '121h' }, /longer than the limit, 120h/],
    ['poll-interval', { 'poll-interval': '600h' }, /longer than the limit, 1h/],
    ['max-poll-interval', { 'max-poll-interval': '61m' }, /longer than the limit, 1h/],
    ['sts-endpoint', { 'sts-endpoint': 'http://sts.aliyuncs.com' }, /loopback/],
    ['access-key-secret', { 'access-key-secret': '' }, /is required with access-key-id/],
    ['access-key-id', { 'access-key-id': '' }, /is required with access-key-secret/],
    [
      'access-key-id',
      { 'access-key-id': '', 'access-key-secret': '' },
      /ALIBABA_CLOUD_ACCESS_KEY_ID/
    ],
    [
      'oidc-provider-arn',
      { 'access-key-id': '', 'access-key-secret': '', 'role-to-assume': 'acs:ram::1:role/ci' },
      /is required/
    ],
    ['role-to-assume', { ...oidc }, /cannot be combined/],
    [
      'role-to-assume',
      { 'access-key-id': '', 'access-key-secret': '', ...oidc, 'role-to-assume': 'ci' },
      /not a RAM role ARN/
    ],
    [
      'role-to-assume',
      {
        'access-key-id': '',
        'access-key-secret': '',
        ...oidc,
        'role-to-assume': 'acs:ram::1:role/ci ::warning::x'
      },
      /not a RAM role ARN/
    ],
    [
      'role-to-assume',
      {
        'access-key-id': '',
        'access-key-secret': '',
        ...oidc,
        'role-to-assume': 'acs:ram::1:role/ci\n::warning::x'
      },
      /control character/
    ],
    [
      'role-session-name',
      { 'access-key-id': '', 'access-key-secret': '', ...oidc, 'role-session-name': 'a b' },
      /2 to 64/
    ],
    [
      'role-session-expiration',
      { 'access-key-id': '', 'access-key-secret': '', ...oidc, 'role-session-expiration': '600' },
      /from 900/
    ]
  ])('%s: %p', (input, overrides, message) => {
    core.setInputs({ ...base, ...overrides })
    let thrown: unknown
    try {
      getSettings(runEnv, originOf(runEnv))
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InputError)
    expect((thrown as InstanceType<typeof InputError>).input).toBe(input)
    expect((thrown as Error).message).toMatch(new RegExp(`^Input "${input}" `))
    expect((thrown as Error).message).toMatch(message)
  })
})

test.each([
  ['localhost:8080', 'http'],
  ['127.0.0.1', 'http'],
  ['127.8.9.10:1', 'http'],
  ['[::1]:9000', 'http']
])('http://%s is accepted (loopback)', (host, protocol) => {
  expect(parseEndpoint('endpoint', `${protocol}://${host}`)).toEqual({ host, protocol })
})

test('the default client token is unique to this step: a part chosen once, the run and attempt in front', () => {
  expect(deriveClientToken(originOf(runEnv), 'abc')).toBe('gha-42-1-abc')
  const tokens = Array.from({ length: 50 }, () => settings(base).clientToken)
  expect(new Set(tokens).size).toBe(50)
  expect(settings(base, { ...runEnv, GITHUB_RUN_ATTEMPT: '2' }).clientToken).toMatch(/^gha-42-2-/)
  for (const token of tokens) expect(token).toMatch(/^[\x21-\x7e]{1,64}$/)
  const long = deriveClientToken(originOf({ ...runEnv, GITHUB_RUN_ID: '9'.repeat(80) }))
  expect(long.length).toBeLessThanOrEqual(64)
})

test('the derived session name is valid even from odd run variables', () => {
  expect(
    deriveSessionName(originOf({ GITHUB_RUN_ID: '9'.repeat(80), GITHUB_RUN_ATTEMPT: '1' }))
  ).toMatch(/^[A-Za-z0-9.@_-]{2,64}$/)
  expect(deriveSessionName(originOf({}))).toBe('github-local-1')
})

describe('provenance tags', () => {
  const sha = 'a'.repeat(40)
  const env = { ...runEnv, GITHUB_SHA: sha }

  test('added by default; a tag of yours with the same key wins', () => {
    const s = settings({ ...base, tags: 'github-run=mine\nteam=infra' }, env)
    expect(s.tags).toEqual([
      { key: 'github-run', value: 'mine' },
      { key: 'team', value: 'infra' },
      { key: 'github-repository', value: 'o/r' },
      { key: 'github-sha', value: sha }
    ])
  })

  test('provenance-tags: false turns them off', () => {
    expect(settings({ ...base, tags: 'a=1', 'provenance-tags': 'false' }, env).tags).toEqual([
      { key: 'a', value: '1' }
    ])
  })

  test('they count toward the 20, and going over says so', () => {
    const eighteen = Array.from({ length: 18 }, (_, i) => `k${i}=v`).join('\n')
    expect(() => settings({ ...base, tags: eighteen }, env)).toThrow(
      /Input "tags" has 18 tags, and with 3 provenance tags .* makes 21; at most 20 .*provenance-tags: false/
    )
    expect(
      settings({ ...base, tags: eighteen, 'provenance-tags': 'false' }, env).tags
    ).toHaveLength(18)
  })

  test('provenance-tags accepts only true or false', () => {
    expect(() => settings({ ...base, 'provenance-tags': 'yes' }, env)).toThrow(
      /Input "provenance-tags" must be true or false/
    )
  })
})

describe('ecs-ram-role', () => {
  const role = {
    'region-id': 'cn-hangzhou',
    'image-pipeline-id': 'ip-1',
    'ecs-ram-role': 'runner-role'
  }

  test('the instance role, from the default metadata service', () => {
    const s = settings(role)
    expect(credentialsOf(role)).toEqual({
      source: 'ecs-ram-role',
      roleName: 'runner-role',
      plainDisabled: false
    })
    expect(credentialsOf(role, { ...runEnv, ALIBABA_CLOUD_IMDSV1_DISABLED: 'True' })).toMatchObject(
      { plainDisabled: true }
    )
    expect(s.metadataEndpoint).toEqual({ host: '100.100.100.200', protocol: 'http' })
  })

  test.each([
    ['127.0.0.1:8080', { host: '127.0.0.1:8080', protocol: 'http' }],
    ['http://localhost:9', { host: 'localhost:9', protocol: 'http' }],
    ['100.100.100.200', { host: '100.100.100.200', protocol: 'http' }]
  ])('metadata-endpoint %s', (value, endpoint) => {
    expect(settings({ ...role, 'metadata-endpoint': value }).metadataEndpoint).toEqual(endpoint)
  })

  test.each([
    [
      { 'access-key-id': 'a', 'access-key-secret': 'b' },
      /cannot be combined with access-key-id, access-key-secret/
    ],
    [{ 'security-token': 't' }, /cannot be combined with security-token/],
    [{ 'role-to-assume': 'acs:ram::1:role/x' }, /cannot be combined with role-to-assume/],
    [{ 'ecs-ram-role': 'a role' }, /not a RAM role name/]
  ])('refused: %p', (extra, message) => {
    expect(() => settings({ ...role, ...extra })).toThrow(message)
    expect(() => settings({ ...role, ...extra })).toThrow(/^Input "ecs-ram-role" /)
  })

  test.each([
    ['https://100.100.100.200', /plain http/],
    ['10.0.0.1', /100\.100\.100\.200\) or a loopback host/],
    ['http://[::1]@169.254.169.254', /user info/],
    ['http://127.0.0.1/latest', /no path/]
  ])('metadata-endpoint %s is refused', (value, message) => {
    expect(() => settings({ ...role, 'metadata-endpoint': value })).toThrow(message)
  })
})
