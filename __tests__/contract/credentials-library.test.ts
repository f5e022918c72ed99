/**
 * The vendor's credentials library (@alicloud/credentials, a devDependency) is
 * the oracle for what the action sends to STS and to the instance metadata
 * service: its providers are run with their transport replaced by a recorder,
 * and their requests are compared with ours, field for field; and the STS host
 * it chooses from ALIBABA_CLOUD_STS_REGION / ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED
 * is the one we choose, region by region.
 */
import { afterEach, expect, test } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ECSRAMRoleCredentialsProvider from '@alicloud/credentials/dist/src/providers/ecs_ram_role.js'
import OIDCRoleArnCredentialsProvider from '@alicloud/credentials/dist/src/providers/oidc_role_arn.js'
import type { Request } from '@alicloud/credentials/dist/src/providers/http.js'
import { type ScriptedAnswer, ScriptedServer } from '../../__fixtures__/scripted-server.js'
import { roleKeys } from '../../src/credentials/metadata.js'
import { assumeRoleRequest, defaultStsHost } from '../../src/credentials/sts.js'
import { createRouter } from '../../src/net/proxy.js'

const params = {
  roleArn: 'acs:ram::1234567890:role/ci',
  providerArn: 'acs:ram::1234567890:oidc-provider/github',
  oidcToken: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm8vcjpyZWY6cmVmcy9oZWFkcy9tYWluIn0.c2ln',
  sessionName: 'github-42-1',
  durationSeconds: 3600
}

/** CommonJS with `exports.default`: Node's ESM loader may nest it once more. */
function vendorClass<T>(loaded: unknown): T {
  const module = loaded as { default?: unknown }
  return (
    typeof module.default === 'function'
      ? module.default
      : ((module.default as { default?: unknown } | undefined)?.default ?? module)
  ) as T
}

interface Recorded {
  method: string
  url: string
  headers: Record<string, string>
  body?: string
}

/** What the library's transport would have sent, in the wire's terms. */
function wire(request: Request): Recorded {
  const form = request.bodyForm
    ? Object.entries(request.bodyForm)
        .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
        .join('&')
    : undefined
  return {
    method: request.method,
    url: request.toRequestURL(),
    headers: { ...request.headers },
    body: form
  }
}

const withoutTimestamp = (url: string) => url.replace(/&Timestamp=[^&]*/, '&Timestamp=T')

async function vendorStsRequest(): Promise<Recorded> {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-'))
  const tokenFile = join(dir, 'token')
  writeFileSync(tokenFile, params.oidcToken)
  const Provider = vendorClass<{ builder(): Record<string, (value: unknown) => unknown> }>(
    OIDCRoleArnCredentialsProvider
  )
  const builder = Provider.builder() as Record<string, (value: unknown) => typeof builder> & {
    build(): unknown
  }
  const provider = builder
    .withRoleArn(params.roleArn)
    .withOIDCProviderArn(params.providerArn)
    .withOIDCTokenFilePath(tokenFile)
    .withRoleSessionName(params.sessionName)
    .withDurationSeconds(params.durationSeconds)
    .withStsEndpoint('sts.aliyuncs.com')
    .build() as {
    doRequest: (request: Request) => Promise<unknown>
    getCredentials(): Promise<unknown>
  }
  let captured: Request | undefined
  provider.doRequest = async (request) => {
    captured = request
    const body = {
      Credentials: {
        AccessKeyId: 'STS.x',
        AccessKeySecret: 's',
        SecurityToken: 't',
        Expiration: '2099-01-01T00:00:00Z'
      }
    }
    return { statusCode: 200, body: Buffer.from(JSON.stringify(body)) }
  }
  await provider.getCredentials()
  return wire(captured!)
}

test("our AssumeRoleWithOIDC request is the credentials library's, field for field, but for the time", async () => {
  const theirs = await vendorStsRequest()
  const request = assumeRoleRequest({ host: 'sts.aliyuncs.com', protocol: 'https' }, params)
  const ours: Recorded = {
    method: request.method,
    url: request.url.href,
    headers: request.headers,
    body: request.body
  }
  expect({ ...ours, url: withoutTimestamp(ours.url) }).toEqual({
    ...theirs,
    url: withoutTimestamp(theirs.url)
  })
  expect(ours.url).toMatch(
    /^https:\/\/sts\.aliyuncs\.com\/\?Version=2015-04-01&Action=AssumeRoleWithOIDC&Format=JSON&Timestamp=\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\dZ$/
  )
})

test('the OIDC token travels in the body, never in the URL', () => {
  const request = assumeRoleRequest({ host: 'sts.aliyuncs.com', protocol: 'https' }, params)
  expect(request.url.href).not.toContain(params.oidcToken.slice(0, 20))
  expect(new URLSearchParams(request.body).get('OIDCToken')).toBe(params.oidcToken)
})

const saved = { ...process.env }
afterEach(() => {
  process.env = { ...saved }
})

test.each([
  ['cn-hangzhou', undefined],
  ['cn-shanghai', 'true'],
  ['ap-southeast-1', 'TRUE'],
  ['eu-central-1', 'false'],
  ['cn-beijing', '1'],
  [undefined, 'true'],
  [undefined, undefined]
])("the STS host for ALIBABA_CLOUD_STS_REGION=%s, VPC=%s is the library's", (region, vpc) => {
  const env: Record<string, string> = {}
  if (region) env.ALIBABA_CLOUD_STS_REGION = region
  if (vpc) env.ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED = vpc
  delete process.env.ALIBABA_CLOUD_STS_REGION
  delete process.env.ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED
  Object.assign(process.env, env)
  const Provider = vendorClass<{ builder(): Record<string, (value: unknown) => unknown> }>(
    OIDCRoleArnCredentialsProvider
  )
  const builder = Provider.builder() as Record<string, (value: unknown) => typeof builder> & {
    build(): unknown
  }
  const theirs = (
    builder
      .withRoleArn(params.roleArn)
      .withOIDCProviderArn(params.providerArn)
      .withOIDCTokenFilePath('/x')
      .build() as {
      stsEndpoint: string
    }
  ).stsEndpoint
  expect(defaultStsHost(env)).toBe(theirs)
})

/** The metadata service's answers, in order, for both sides. */
const metadataScripts: Array<[string, ScriptedAnswer[], Record<string, string>]> = [
  [
    'hardened mode',
    [
      { status: 200, body: 'session-token' },
      {
        status: 200,
        body: {
          Code: 'Success',
          AccessKeyId: 'STS.m',
          AccessKeySecret: 's',
          SecurityToken: 't',
          Expiration: '2099-01-01T00:00:00Z'
        }
      }
    ],
    {}
  ],
  [
    'a refused token, then plain mode',
    [
      { status: 403, body: 'Forbidden' },
      {
        status: 200,
        body: {
          Code: 'Success',
          AccessKeyId: 'STS.m',
          AccessKeySecret: 's',
          SecurityToken: 't',
          Expiration: '2099-01-01T00:00:00Z'
        }
      }
    ],
    {}
  ],
  [
    'a token, a refused GET with it, then plain mode',
    [
      { status: 200, body: 'session-token' },
      { status: 401, body: 'Unauthorized' },
      {
        status: 200,
        body: {
          Code: 'Success',
          AccessKeyId: 'STS.m',
          AccessKeySecret: 's',
          SecurityToken: 't',
          Expiration: '2099-01-01T00:00:00Z'
        }
      }
    ],
    {}
  ],
  [
    'IMDSv1 disabled: a refused token is final',
    [{ status: 403, body: 'Forbidden' }],
    { ALIBABA_CLOUD_IMDSV1_DISABLED: 'true' }
  ]
]

/** The requests the library makes for the role's credentials, answered from `script`. */
async function vendorMetadataRequests(
  script: ScriptedAnswer[],
  env: Record<string, string>
): Promise<Recorded[]> {
  Object.assign(process.env, env)
  const Provider = vendorClass<{ builder(): Record<string, (value: unknown) => unknown> }>(
    ECSRAMRoleCredentialsProvider
  )
  const builder = Provider.builder() as Record<string, (value: unknown) => typeof builder> & {
    build(): unknown
  }
  const provider = builder.withRoleName('runner-role').build() as {
    doRequest: (request: Request) => Promise<unknown>
    getCredentials(): Promise<unknown>
  }
  const answers = [...script]
  const recorded: Recorded[] = []
  provider.doRequest = async (request) => {
    recorded.push(wire(request))
    const answer = answers.shift()!
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)
    return { statusCode: answer.status, body: Buffer.from(body), headers: {} }
  }
  await provider.getCredentials().catch(() => undefined)
  return recorded.map((r) => ({ ...r, url: new URL(r.url).pathname }))
}

test.each(metadataScripts)(
  "metadata requests, %s: the same as the library's",
  async (_name, script, env) => {
    const theirs = await vendorMetadataRequests(script, env)
    const server = new ScriptedServer([...script])
    await server.start()
    try {
      await roleKeys(
        {
          endpoint: { host: server.host, protocol: 'http' },
          route: createRouter(() => undefined),
          plainDisabled: env.ALIBABA_CLOUD_IMDSV1_DISABLED === 'true',
          mask: () => undefined
        },
        'runner-role'
      ).catch(() => undefined)
    } finally {
      await server.stop()
    }
    const ours = server.requests.map((request) => ({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => name.startsWith('x-aliyun-')) as Array<
          [string, string]
        >
      ),
      body: undefined
    }))
    expect(ours).toEqual(theirs)
  }
)
