import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { EcsEmulator, TEST_PIPELINE_ID } from '../../tools/emulator/server.js'
import { call, codeOf } from './helpers.js'

let time = Date.UTC(2026, 10, 23, 8)
const emulator = new EcsEmulator({
  now: () => time,
  pipelines: [
    { id: TEST_PIPELINE_ID, name: 'golden-ubuntu' },
    ...Array.from({ length: 7 }, (_, i) => ({
      id: `ip-paged${i}`,
      name: i < 2 ? 'twin' : `p${i}`
    })),
    { id: 'ip-beijing', name: 'golden-ubuntu', regionId: 'cn-beijing' }
  ]
})
beforeAll(() => emulator.start())
afterAll(() => emulator.stop())
beforeEach(() => {
  time += 24 * 3_600_000 // every earlier execution has long ended
  emulator.faults.length = 0
  emulator.quirks = false
})

const start = (query: Record<string, string> = {}) =>
  call(emulator, 'StartImagePipelineExecution', { ImagePipelineId: TEST_PIPELINE_ID, ...query })
const statusOf = async (executionId: string) => {
  const body = (await call(emulator, 'DescribeImagePipelineExecutions', {
    ExecutionId: executionId
  })) as {
    ImagePipelineExecution: { ImagePipelineExecutionSet: Array<Record<string, unknown>> }
  }
  return body.ImagePipelineExecution.ImagePipelineExecutionSet[0]
}

describe('state machine', () => {
  test('follows the scripted timeline to the chosen end, the image appearing once built', async () => {
    emulator.planNext(TEST_PIPELINE_ID, {
      steps: [
        { status: 'PREPARING', ms: 1000 },
        { status: 'BUILDING', ms: 5000 },
        { status: 'TESTING', ms: 1000 }
      ],
      end: 'TEST_FAILED',
      imageId: 'm-planned',
      message: 'test 3 failed'
    })
    const { ExecutionId: id } = (await start()) as { ExecutionId: string }
    const startedAt = time
    const seen: Array<[string, unknown]> = []
    for (const offset of [0, 999, 1000, 5999, 6000, 7000, 60_000]) {
      time = startedAt + offset
      const execution = await statusOf(id)
      seen.push([execution.Status as string, execution.ImageId])
    }
    expect(seen).toEqual([
      ['PREPARING', undefined],
      ['PREPARING', undefined],
      ['BUILDING', undefined],
      ['BUILDING', undefined],
      ['TESTING', 'm-planned'],
      ['TEST_FAILED', 'm-planned'],
      ['TEST_FAILED', 'm-planned']
    ])
    expect((await statusOf(id)).Message).toBe('test 3 failed')
    expect(
      emulator
        .execution(id)!
        .transitions()
        .map((t) => t.status)
    ).toEqual(['PREPARING', 'BUILDING', 'TESTING', 'TEST_FAILED'])
  })

  test.each(['SUCCESS', 'PARTITION_SUCCESS', 'FAILED'] as const)('can end in %s', async (end) => {
    emulator.planNext(TEST_PIPELINE_ID, { steps: [{ status: 'BUILDING', ms: 10 }], end })
    const { ExecutionId: id } = (await start()) as { ExecutionId: string }
    time += 10
    const execution = await statusOf(id)
    expect(execution.Status).toBe(end)
    expect(execution.ImageId === undefined).toBe(end === 'FAILED')
  })

  test('a cancel: CANCELLING, then CANCELLED; refused when terminal or past BUILDING', async () => {
    emulator.planNext(TEST_PIPELINE_ID, {
      steps: [
        { status: 'BUILDING', ms: 10_000 },
        { status: 'DISTRIBUTING', ms: 10_000 }
      ],
      cancelMs: 500
    })
    const { ExecutionId: id } = (await start()) as { ExecutionId: string }
    time += 1000
    await call(emulator, 'CancelImagePipelineExecution', { ExecutionId: id })
    expect((await statusOf(id)).Status).toBe('CANCELLING')
    await call(emulator, 'CancelImagePipelineExecution', { ExecutionId: id }) // idempotent while cancelling
    time += 500
    expect((await statusOf(id)).Status).toBe('CANCELLED')
    expect(await codeOf(call(emulator, 'CancelImagePipelineExecution', { ExecutionId: id }))).toBe(
      'InvalidStatus.CancelFailed'
    )
    expect(
      await codeOf(call(emulator, 'CancelImagePipelineExecution', { ExecutionId: 'exec-none' }))
    ).toBe('InvalidImagePipelineExecution.NotFound')

    emulator.planNext(TEST_PIPELINE_ID, {
      steps: [
        { status: 'BUILDING', ms: 10 },
        { status: 'DISTRIBUTING', ms: 10_000 }
      ]
    })
    const { ExecutionId: late } = (await start()) as { ExecutionId: string }
    time += 100
    expect(
      await codeOf(call(emulator, 'CancelImagePipelineExecution', { ExecutionId: late }))
    ).toBe('InvalidStatus.ImagePipelineExecution')
  })

  test('a pipeline runs one execution at a time: HasRunningExecution', async () => {
    const { ExecutionId: first } = (await start({ ClientToken: 'a' })) as { ExecutionId: string }
    expect(await codeOf(start({ ClientToken: 'b' }))).toBe(
      'InvalidImagePipeline.HasRunningExecution'
    )
    time += 60_000
    const { ExecutionId: second } = (await start({ ClientToken: 'b' })) as { ExecutionId: string }
    expect(second).not.toBe(first)
  })

  test('an execution can stay invisible for a while after its start', async () => {
    emulator.planNext(TEST_PIPELINE_ID, { invisibleMs: 2000 })
    const { ExecutionId: id } = (await start()) as { ExecutionId: string }
    expect(await statusOf(id)).toBeUndefined()
    time += 2000
    expect((await statusOf(id)).ExecutionId).toBe(id)
  })

  test('an unknown status can be scripted', async () => {
    emulator.planNext(TEST_PIPELINE_ID, { steps: [{ status: 'VALIDATING', ms: 1000 }] })
    const { ExecutionId: id } = (await start()) as { ExecutionId: string }
    expect((await statusOf(id)).Status).toBe('VALIDATING')
  })
})

describe('StartImagePipelineExecution', () => {
  test('ClientToken makes the start idempotent', async () => {
    const first = await start({ ClientToken: 'same-token' })
    const again = await start({ ClientToken: 'same-token' })
    expect(again).toEqual({ ...first, RequestId: again.RequestId })
    expect(emulator.executions.filter((e) => e.clientToken === 'same-token')).toHaveLength(1)
    expect(
      await codeOf(
        call(emulator, 'StartImagePipelineExecution', {
          ImagePipelineId: 'ip-paged0',
          ClientToken: 'same-token'
        })
      )
    ).toBe('IdempotentParameterMismatch')
    expect(await codeOf(start({ ClientToken: 'x'.repeat(65) }))).toBe(
      'InvalidParameter.ClientToken'
    )
  })

  test('tags are validated and kept', async () => {
    const { ExecutionId: id } = (await start({
      'Tag.1.Key': 'commit',
      'Tag.1.Value': 'abc',
      'Tag.2.Key': 'empty',
      'Tag.2.Value': ''
    })) as { ExecutionId: string }
    expect(emulator.execution(id)!.tags).toEqual([
      { key: 'commit', value: 'abc' },
      { key: 'empty', value: '' }
    ])
    time += 60_000
    expect(await codeOf(start({ 'Tag.1.Key': 'aliyun:x', 'Tag.1.Value': 'v' }))).toBe(
      'InvalidTagKey.Malformed'
    )
    expect(await codeOf(start({ 'Tag.1.Key': 'k', 'Tag.1.Value': 'http://x' }))).toBe(
      'InvalidTagValue.Malformed'
    )
    expect(
      await codeOf(
        start({ 'Tag.1.Key': 'k', 'Tag.1.Value': '1', 'Tag.2.Key': 'k', 'Tag.2.Value': '2' })
      )
    ).toBe('Duplicate.TagKey')
    expect(await codeOf(start({ 'Tag.21.Key': 'k', 'Tag.21.Value': '1' }))).toBe(
      'InvalidParameter.TagCount'
    )
  })

  test('an unknown pipeline, or one of another region, is InvalidImagePipeline.NotFound', async () => {
    expect(await codeOf(start({ ImagePipelineId: 'ip-nope' }))).toBe(
      'InvalidImagePipeline.NotFound'
    )
    expect(
      await codeOf(call(emulator, 'StartImagePipelineExecution', { ImagePipelineId: 'ip-beijing' }))
    ).toBe('InvalidImagePipeline.NotFound')
  })
})

describe('paging', () => {
  test('DescribeImagePipelines pages with NextToken and MaxResults', async () => {
    const ids: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const body = (await call(emulator, 'DescribeImagePipelines', {
        MaxResults: '3',
        ...(token ? { NextToken: token } : {})
      })) as {
        NextToken?: string
        TotalCount: number
        ImagePipeline: { ImagePipelineSet: Array<{ ImagePipelineId: string }> }
      }
      expect(body.TotalCount).toBe(8)
      ids.push(...body.ImagePipeline.ImagePipelineSet.map((p) => p.ImagePipelineId))
      token = body.NextToken
      pages++
    } while (token)
    expect(pages).toBe(3)
    expect(ids).toHaveLength(8)
    expect(new Set(ids).size).toBe(8)
  })

  test('filters by Name and ImagePipelineId.N', async () => {
    const byName = (await call(emulator, 'DescribeImagePipelines', { Name: 'twin' })) as {
      ImagePipeline: { ImagePipelineSet: unknown[] }
    }
    expect(byName.ImagePipeline.ImagePipelineSet).toHaveLength(2)
    const byId = (await call(emulator, 'DescribeImagePipelines', {
      'ImagePipelineId.1': 'ip-paged3'
    })) as { ImagePipeline: { ImagePipelineSet: Array<{ Name: string }> } }
    expect(byId.ImagePipeline.ImagePipelineSet.map((p) => p.Name)).toEqual(['p3'])
  })

  test('bad paging parameters are refused with the documented codes', async () => {
    expect(await codeOf(call(emulator, 'DescribeImagePipelines', { NextToken: 'garbage' }))).toBe(
      'Invalid.NextToken'
    )
    expect(
      await codeOf(
        call(emulator, 'DescribeImagePipelineExecutions', {
          ImagePipelineId: TEST_PIPELINE_ID,
          MaxResults: '501'
        })
      )
    ).toBe('InvalidParameter.MaxResults')
    expect(await codeOf(call(emulator, 'DescribeImagePipelineExecutions', {}))).toBe(
      'MissingParameter.ImagePipelineId'
    )
    expect(
      await codeOf(
        call(emulator, 'DescribeImagePipelineExecutions', {
          ImagePipelineId: TEST_PIPELINE_ID,
          Status: 'BUILDING,NOPE'
        })
      )
    ).toBe('InvalidParameter.Status')
    expect(
      await codeOf(
        call(emulator, 'DescribeImagePipelineExecutions', { ImagePipelineId: 'ip-nope' })
      )
    ).toBe('InvalidImagePipeline.NotFound')
  })

  test('DescribeImagePipelineExecutions filters by status and pages newest first', async () => {
    const body = (await call(emulator, 'DescribeImagePipelineExecutions', {
      ImagePipelineId: TEST_PIPELINE_ID,
      Status: 'SUCCESS,TEST_FAILED',
      MaxResults: '2'
    })) as {
      NextToken?: string
      ImagePipelineExecution: {
        ImagePipelineExecutionSet: Array<{ Status: string; CreationTime: string }>
      }
    }
    const set = body.ImagePipelineExecution.ImagePipelineExecutionSet
    expect(set).toHaveLength(2)
    expect(set.every((e) => ['SUCCESS', 'TEST_FAILED'].includes(e.Status))).toBe(true)
    expect(set[0].CreationTime >= set[1].CreationTime).toBe(true)
    expect(body.NextToken).toBeTruthy()
  })

  test('quirks: numbers as strings and "null" for absent fields', async () => {
    emulator.quirks = true
    emulator.planNext(TEST_PIPELINE_ID, { steps: [{ status: 'PREPARING', ms: 1000 }] })
    const { ExecutionId: id } = (await start()) as { ExecutionId: string }
    const body = (await call(emulator, 'DescribeImagePipelineExecutions', {
      ExecutionId: id
    })) as Record<string, unknown>
    expect(body.TotalCount).toBe('1')
    expect(body.MaxResults).toBe('50')
    expect(await statusOf(id)).toMatchObject({ ImageId: 'null', Status: 'PREPARING' })
  })
})

describe('faults', () => {
  const describeCall = () =>
    call(emulator, 'DescribeImagePipelineExecutions', { ImagePipelineId: TEST_PIPELINE_ID })
  test.each([
    ['throttle', 'Throttling.User', 400],
    ['http429', 'Throttling', 429],
    ['http503', 'ServiceUnavailable', 503]
  ] as const)('%s answers %s (HTTP %d) once, then recovers', async (kind, code, status) => {
    emulator.inject({ action: 'DescribeImagePipelineExecutions', kind })
    expect(await codeOf(describeCall())).toBe(code)
    expect(emulator.requests.at(-1)).toMatchObject({ httpStatus: status, fault: kind })
    await describeCall()
  })

  test('html502 sends a proxy page the SDK cannot parse', async () => {
    emulator.inject({ kind: 'html502' })
    expect(await codeOf(describeCall())).toBe('SyntaxError')
    expect(emulator.requests.at(-1)!.httpStatus).toBe(502)
  })

  test('malformed: a 200 that is not JSON, nothing applied', async () => {
    emulator.inject({ action: 'StartImagePipelineExecution', kind: 'malformed' })
    const count = emulator.executions.length
    expect(await codeOf(start({ ClientToken: 'malformed-1' }))).toBe('SyntaxError')
    expect(emulator.executions.length).toBe(count)
  })

  test('truncated: applied, then a cut-off body', async () => {
    emulator.inject({ action: 'StartImagePipelineExecution', kind: 'truncated' })
    const count = emulator.executions.length
    expect(await codeOf(start({ ClientToken: 'truncated-1' }))).toBe('SyntaxError')
    expect(emulator.executions.length).toBe(count + 1)
  })

  test('reset: the socket is destroyed before anything is applied', async () => {
    emulator.inject({ action: 'StartImagePipelineExecution', kind: 'reset' })
    const count = emulator.executions.length
    expect(await codeOf(start({ ClientToken: 'reset-1' }))).toMatch(/ECONNRESET|Error/)
    expect(emulator.executions.length).toBe(count)
  })

  test('reset-after-apply: the start happened, the answer was lost; the same token finds it', async () => {
    emulator.inject({ action: 'StartImagePipelineExecution', kind: 'reset-after-apply' })
    const count = emulator.executions.length
    expect(await codeOf(start({ ClientToken: 'lost-1' }))).not.toBe('no error')
    expect(emulator.executions.length).toBe(count + 1)
    const retried = (await start({ ClientToken: 'lost-1' })) as { ExecutionId: string }
    expect(retried.ExecutionId).toBe(emulator.executions.at(-1)!.id)
    expect(emulator.executions.length).toBe(count + 1)
  })

  test('slow: the answer comes late (a read time-out on a short client timeout)', async () => {
    emulator.inject({ kind: 'slow', delayMs: 4000 })
    const began = Date.now()
    expect(await codeOf(describeCall())).toMatch(/Timeout/)
    expect(Date.now() - began).toBeGreaterThanOrEqual(2900)
  }, 10_000)

  test('times: a fault can hit several requests', async () => {
    emulator.inject({ kind: 'http503', times: 2 })
    expect(await codeOf(describeCall())).toBe('ServiceUnavailable')
    expect(await codeOf(describeCall())).toBe('ServiceUnavailable')
    expect(await codeOf(describeCall())).toBe('no error')
  })
})

describe('connections', () => {
  test('kept alive as by the live API: calls in a row share one connection', async () => {
    const before = emulator.connections
    for (let i = 0; i < 3; i++) await call(emulator, 'DescribeImagePipelines', {})
    expect(emulator.connections - before).toBeLessThanOrEqual(1)
  })
})
