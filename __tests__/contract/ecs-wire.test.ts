/**
 * Every ECS request the action sends equals the one the vendor's own client
 * (@alicloud/ecs20140526, a devDependency) sends for the same call, on what the
 * service reads: method, path, parameter names, values and their encoding,
 * the action and version. Not compared: the nonce, the date, the signature, the
 * user agent and the credential provider's name. A capturing server on
 * 127.0.0.1 records both.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as Sdk from '@alicloud/ecs20140526'
import { $OpenApiUtil } from '@alicloud/openapi-core'
import { StaticCredentials } from '../../src/credentials/provider.js'
import { createEcsClient } from '../../src/ecs/client.js'
import { RUNNING_STATUSES } from '../../src/ecs/status.js'
import { silentLog } from '../../src/log.js'
import { eachPage } from '../../src/ecs/listing.js'
import { createRouter } from '../../src/net/proxy.js'

interface Captured {
  method: string
  path: string
  query: Array<[string, string]>
  body: Array<[string, string]>
  action?: string
  version?: string
  contentType?: string
  accept?: string
  /** Every header's name, and the headers the signature covers. */
  headerNames: string[]
  signedHeaders?: string
  algorithm?: string
  payloadHash?: string
}

const captured: Captured[] = []
/** The answers the server gives, in order; then `{}`. */
let answers: Array<Record<string, unknown>> = []
let server: Server
let host: string

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const url = new URL(request.url ?? '/', 'http://capture')
    const sorted = (entries: Array<[string, string]>) =>
      entries.sort(([a], [b]) => a.localeCompare(b))
    captured.push({
      method: request.method ?? '',
      path: url.pathname,
      query: sorted([...url.searchParams.entries()]),
      body: sorted([...new URLSearchParams(Buffer.concat(chunks).toString('utf8')).entries()]),
      action: request.headers['x-acs-action'] as string | undefined,
      version: request.headers['x-acs-version'] as string | undefined,
      contentType: (request.headers['content-type'] as string | undefined)?.split(';')[0],
      accept: request.headers.accept,
      headerNames: Object.keys(request.headers)
        .filter((name) => !['connection', 'content-length', 'transfer-encoding'].includes(name))
        .sort(),
      signedHeaders: /SignedHeaders=([^,]+)/.exec(request.headers.authorization ?? '')?.[1],
      algorithm: request.headers.authorization?.split(' ')[0],
      payloadHash: request.headers['x-acs-content-sha256'] as string | undefined
    })
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ RequestId: 'R-1', ...(answers.shift() ?? {}) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const sdkModule = Sdk as unknown as Record<string, unknown> & { default: unknown }
type Model = new (fields: Record<string, unknown>) => unknown
const model = (name: string) => sdkModule[name] as Model
const SdkClient = (
  typeof sdkModule.default === 'function'
    ? sdkModule.default
    : (sdkModule.default as { default: unknown }).default
) as new (config: unknown) => Record<string, (request: unknown) => Promise<unknown>>

function vendor() {
  return new SdkClient(
    new $OpenApiUtil.Config({
      accessKeyId: 'LTAI-contract',
      accessKeySecret: 'contract-secret',
      endpoint: host,
      protocol: 'http',
      regionId: 'cn-hangzhou'
    })
  )
}

function ours() {
  return createEcsClient({
    regionId: 'cn-hangzhou',
    endpoint: host,
    protocol: 'http',
    credential: new StaticCredentials('LTAI-contract', 'contract-secret'),
    route: createRouter(() => undefined),
    log: silentLog
  })
}

/** What each side sent for the same call. */
async function both(
  theirs: () => Promise<unknown>,
  mine: () => Promise<unknown>,
  replies: Array<Record<string, unknown>> = []
): Promise<{ theirs: Captured[]; mine: Captured[] }> {
  captured.length = 0
  answers = [...replies]
  await theirs()
  const theirsCaptured = captured.splice(0)
  answers = [...replies]
  await mine()
  return { theirs: theirsCaptured, mine: captured.splice(0) }
}

test('StartImagePipelineExecution with a ClientToken and tags', async () => {
  const Tag = model('StartImagePipelineExecutionRequestTag')
  const sent = await both(
    () =>
      vendor().startImagePipelineExecution(
        new (model('StartImagePipelineExecutionRequest'))({
          regionId: 'cn-hangzhou',
          imagePipelineId: 'ip-2ze5tsl5bp6nf2b3xxxx',
          clientToken: 'gha-1-1-abc',
          tag: [
            new Tag({ key: 'commit', value: 'a1b2 c3/ü' }),
            new Tag({ key: 'github-run', value: '42/1' })
          ]
        })
      ),
    () =>
      ours().startExecution({
        pipelineId: 'ip-2ze5tsl5bp6nf2b3xxxx',
        clientToken: 'gha-1-1-abc',
        tags: [
          { key: 'commit', value: 'a1b2 c3/ü' },
          { key: 'github-run', value: '42/1' }
        ]
      }),
    [{ ExecutionId: 'exec-1' }]
  )
  expect(sent.mine).toEqual(sent.theirs)
  expect(sent.mine[0].query).toContainEqual(['Tag.2.Value', '42/1'])
})

test('DescribeImagePipelineExecutions by ExecutionId (a poll)', async () => {
  const sent = await both(
    () =>
      vendor().describeImagePipelineExecutions(
        new (model('DescribeImagePipelineExecutionsRequest'))({
          regionId: 'cn-hangzhou',
          executionId: 'exec-5fb8facb8ed7427cxxxx'
        })
      ),
    () => ours().getExecution({ executionId: 'exec-5fb8facb8ed7427cxxxx' })
  )
  expect(sent.mine).toEqual(sent.theirs)
})

test('DescribeImagePipelineExecutions by running statuses, two pages', async () => {
  const request = (nextToken?: string) =>
    new (model('DescribeImagePipelineExecutionsRequest'))({
      regionId: 'cn-hangzhou',
      imagePipelineId: 'ip-1',
      status: RUNNING_STATUSES.join(','),
      maxResults: 100,
      nextToken
    })
  const sent = await both(
    async () => {
      await vendor().describeImagePipelineExecutions(request())
      await vendor().describeImagePipelineExecutions(request('page-2'))
    },
    () =>
      eachPage(
        (nextToken) =>
          ours().executionsPage({
            pipelineId: 'ip-1',
            statuses: RUNNING_STATUSES,
            maxResults: 100,
            nextToken
          }),
        () => undefined
      ),
    [{ NextToken: 'page-2' }]
  )
  expect(sent.mine).toEqual(sent.theirs)
  expect(sent.mine).toHaveLength(2)
})

test('DescribeImagePipelines by name (all pages) and by ID', async () => {
  const request = (fields: Record<string, unknown>) =>
    new (model('DescribeImagePipelinesRequest'))({
      regionId: 'cn-hangzhou',
      maxResults: 100,
      ...fields
    })
  const byName = await both(
    async () => {
      await vendor().describeImagePipelines(request({ name: 'golden image' }))
      await vendor().describeImagePipelines(request({ name: 'golden image', nextToken: 'n2' }))
    },
    () =>
      eachPage(
        (nextToken) => ours().pipelinesPage({ name: 'golden image', nextToken }),
        () => undefined
      ),
    [{ NextToken: 'n2' }]
  )
  expect(byName.mine).toEqual(byName.theirs)
  const byId = await both(
    () => vendor().describeImagePipelines(request({ imagePipelineId: ['ip-1'] })),
    () => ours().pipelinesPage({ pipelineIds: ['ip-1'] })
  )
  expect(byId.mine).toEqual(byId.theirs)
})

test('CancelImagePipelineExecution', async () => {
  const sent = await both(
    () =>
      vendor().cancelImagePipelineExecution(
        new (model('CancelImagePipelineExecutionRequest'))({
          regionId: 'cn-hangzhou',
          executionId: 'exec-1'
        })
      ),
    () => ours().cancelExecution({ executionId: 'exec-1' })
  )
  expect(sent.mine).toEqual(sent.theirs)
})

test('the headers are the same ones, and the signature covers the same ones, with STS credentials too', async () => {
  const withToken = () =>
    createEcsClient({
      regionId: 'cn-hangzhou',
      endpoint: host,
      protocol: 'http',
      credential: new StaticCredentials('STS.contract', 'contract-secret', 'sts-token'),
      route: createRouter(() => undefined),
      log: silentLog
    })
  const sent = await both(
    () =>
      new SdkClient(
        new $OpenApiUtil.Config({
          accessKeyId: 'STS.contract',
          accessKeySecret: 'contract-secret',
          securityToken: 'sts-token',
          endpoint: host,
          protocol: 'http',
          regionId: 'cn-hangzhou'
        })
      ).cancelImagePipelineExecution(
        new (model('CancelImagePipelineExecutionRequest'))({
          regionId: 'cn-hangzhou',
          executionId: 'exec-1'
        })
      ),
    () => withToken().cancelExecution({ executionId: 'exec-1' })
  )
  expect(sent.mine).toEqual(sent.theirs)
  expect(sent.mine[0].headerNames).toEqual(
    expect.arrayContaining([
      'x-acs-security-token',
      'x-acs-accesskey-id',
      'authorization',
      'x-acs-date'
    ])
  )
  expect(sent.mine[0].algorithm).toBe('ACS3-HMAC-SHA256')
})
