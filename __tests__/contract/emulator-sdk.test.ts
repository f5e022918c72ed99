/**
 * The emulator cannot drift from the real service's shapes: the vendor's ECS
 * SDK (@alicloud/ecs20140526, a devDependency) signs requests the emulator
 * accepts (and is refused with a wrong secret), and parses every answer of the
 * emulator, plain and with its quirks (numbers as strings, "null" fields), into
 * its response models, with the values our own parser reads.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import * as Sdk from '@alicloud/ecs20140526'
import { $OpenApiUtil } from '@alicloud/openapi-core'
import { parseExecutions, parsePipelines } from '../../src/ecs/client.js'
import {
  EcsEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET,
  TEST_PIPELINE_ID
} from '../../tools/emulator/server.js'

const sdkModule = Sdk as unknown as Record<string, unknown> & { default: unknown }
type Model = new (fields: Record<string, unknown>) => unknown
const model = (name: string) => sdkModule[name] as Model
type Call = (request: unknown) => Promise<{ statusCode: number; body: Record<string, unknown> }>
const SdkClient = (
  typeof sdkModule.default === 'function'
    ? sdkModule.default
    : (sdkModule.default as { default: unknown }).default
) as new (config: unknown) => Record<string, Call>

function vendor(emulator: EcsEmulator, secret = TEST_ACCESS_KEY_SECRET) {
  return new SdkClient(
    new $OpenApiUtil.Config({
      accessKeyId: TEST_ACCESS_KEY_ID,
      accessKeySecret: secret,
      endpoint: new URL(emulator.endpoint).host,
      protocol: 'http',
      regionId: 'cn-hangzhou'
    })
  )
}

describe.each([false, true])('the emulator (quirks: %s) and the vendor SDK', (quirks) => {
  const emulator = new EcsEmulator({ quirks })
  beforeAll(() => emulator.start())
  afterAll(() => emulator.stop())

  test('every operation the action uses is accepted and parses into the SDK models', async () => {
    const client = vendor(emulator)
    const started = await client.startImagePipelineExecution(
      new (model('StartImagePipelineExecutionRequest'))({
        regionId: 'cn-hangzhou',
        imagePipelineId: TEST_PIPELINE_ID,
        clientToken: `contract-${quirks}`
      })
    )
    const executionId = (started.body as { executionId?: string }).executionId
    expect(executionId).toMatch(/^exec-/)

    const polled = await client.describeImagePipelineExecutions(
      new (model('DescribeImagePipelineExecutionsRequest'))({
        regionId: 'cn-hangzhou',
        executionId
      })
    )
    const set = (
      polled.body as {
        imagePipelineExecution?: {
          imagePipelineExecutionSet?: Array<{ executionId?: string; status?: string }>
        }
      }
    ).imagePipelineExecution?.imagePipelineExecutionSet
    const raw = emulator.requests.at(-1)!
    expect(raw.httpStatus).toBe(200)
    // What the SDK's model holds is what our parser reads from the same answer.
    const ours = parseExecutions(await (await fetchRaw(emulator, executionId!)).json())
    expect(set?.map((e) => [e.executionId, e.status])).toEqual(
      ours.map((e) => [e.executionId, e.status])
    )

    const pipelines = await client.describeImagePipelines(
      new (model('DescribeImagePipelinesRequest'))({
        regionId: 'cn-hangzhou',
        imagePipelineId: [TEST_PIPELINE_ID],
        maxResults: 100
      })
    )
    const found = (
      pipelines.body as {
        imagePipeline?: { imagePipelineSet?: Array<{ imagePipelineId?: string }> }
      }
    ).imagePipeline?.imagePipelineSet
    expect(found?.map((p) => p.imagePipelineId)).toEqual([TEST_PIPELINE_ID])

    const cancelled = await client.cancelImagePipelineExecution(
      new (model('CancelImagePipelineExecutionRequest'))({ regionId: 'cn-hangzhou', executionId })
    )
    expect(cancelled.statusCode).toBe(200)
  })

  test('a wrong secret is refused', async () => {
    await expect(
      vendor(emulator, 'not-the-secret').describeImagePipelines(
        new (model('DescribeImagePipelinesRequest'))({ regionId: 'cn-hangzhou' })
      )
    ).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' })
  })
})

/** The emulator's answer to a poll, unparsed, through our own client's signing (the emulator's helper). */
async function fetchRaw(emulator: EcsEmulator, executionId: string): Promise<Response> {
  const { call } = await import('../emulator/helpers.js')
  const body = await call(emulator, 'DescribeImagePipelineExecutions', { ExecutionId: executionId })
  return new Response(JSON.stringify(body))
}

test('the recorded fixtures cast into the SDK models, with the values our parser reads', async () => {
  const { readFileSync } = await import('node:fs')
  const dara = (await import('@darabonba/typescript')) as unknown as {
    cast<T>(value: unknown, model: T): T
  }
  const read = (name: string) =>
    JSON.parse(readFileSync(new URL(`../../__fixtures__/api/${name}`, import.meta.url), 'utf8'))
  const cast = (fixture: unknown) =>
    dara.cast(fixture, new (model('DescribeImagePipelineExecutionsResponseBody'))({})) as {
      imagePipelineExecution: {
        imagePipelineExecutionSet: Array<{ executionId: string; status: string }>
      }
    }
  const plain = read('describe-executions.json')
  expect(
    cast(plain).imagePipelineExecution.imagePipelineExecutionSet.map((e) => [
      e.executionId,
      e.status
    ])
  ).toEqual(parseExecutions(plain).map((e) => [e.executionId, e.status]))
  // The quirks fixture has a lone Tags.Tag object, which the SDK refuses and we
  // accept; with that one thing made a list, the SDK takes the rest.
  const quirks = read('describe-executions-quirks.json')
  expect(() => cast(quirks)).toThrow(/type of tag is mismatch/)
  const listed = JSON.parse(JSON.stringify(quirks), (key, value) =>
    key === 'Tag' && value && !Array.isArray(value) ? [value] : value
  )
  // The SDK keeps an item whose ExecutionId is the string "null"; we drop it.
  expect(
    cast(listed)
      .imagePipelineExecution.imagePipelineExecutionSet.map((e) => e.executionId)
      .filter((id) => id !== 'null')
  ).toEqual(parseExecutions(quirks).map((e) => e.executionId))
  const pipelines = read('describe-pipelines.json')
  const castPipelines = dara.cast(
    pipelines,
    new (model('DescribeImagePipelinesResponseBody'))({})
  ) as { imagePipeline: { imagePipelineSet: Array<{ imagePipelineId: string }> } }
  expect(castPipelines.imagePipeline.imagePipelineSet.map((p) => p.imagePipelineId)).toEqual(
    parsePipelines(pipelines).map((p) => p.pipelineId)
  )
})
