/** Our ECS client (src/ecs/client.ts, on the official SDK) against the emulator: what the SDK's transport does. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { withinDeadline } from '../../src/api/exchange.js'
import { StaticCredentials } from '../../src/credentials/provider.js'
import { createEcsClient } from '../../src/ecs/client.js'
import { silentLog } from '../../src/log.js'
import { ApiError } from '../../src/api/errors.js'
import {
  EcsEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET
} from '../../tools/emulator/server.js'

const emulator = new EcsEmulator()
beforeAll(() => emulator.start())
afterAll(() => emulator.stop())

const client = (timeouts: { connectTimeoutMs: number; readTimeoutMs: number }) =>
  createEcsClient({
    regionId: 'cn-hangzhou',
    endpoint: new URL(emulator.endpoint).host,
    protocol: 'http',
    credential: new StaticCredentials(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET),
    log: silentLog,
    ...timeouts
  })

test('a response that stalls for the connect time-out fails, though the read time-out is longer', async () => {
  // httpx applies the connect time-out as the socket's idle time-out: src/api/rpc.ts says so.
  emulator.inject({ action: 'DescribeImagePipelineExecutions', kind: 'slow', delayMs: 1500 })
  const started = Date.now()
  const failure = await client({ connectTimeoutMs: 300, readTimeoutMs: 5000 })
    .getExecution({ executionId: 'exec-any' })
    .then(
      () => undefined,
      (error: unknown) => error
    )
  expect(failure).toBeInstanceOf(ApiError)
  expect((failure as ApiError).code).toBe('RequestTimeout')
  expect((failure as ApiError).transient).toBe(true)
  expect((failure as ApiError).message).toMatch(/ConnectTimeout.*Check: .*stalled/)
  expect(Date.now() - started).toBeLessThan(1500)
})

test('with both time-outs above the delay the same call succeeds', async () => {
  emulator.inject({ action: 'DescribeImagePipelineExecutions', kind: 'slow', delayMs: 300 })
  await expect(
    client({ connectTimeoutMs: 2000, readTimeoutMs: 2000 }).getExecution({
      executionId: 'exec-any'
    })
  ).resolves.toBeUndefined()
})

describe('the action bounds every exchange itself', () => {
  const bounded = () => client({ connectTimeoutMs: 5000, readTimeoutMs: 10_000 })

  test('a body that trickles in a byte at a time is cut off at the exchange limit', async () => {
    emulator.inject({ action: 'DescribeImagePipelineExecutions', kind: 'drip', delayMs: 100 })
    const started = Date.now()
    const failure = await withinDeadline(Date.now() + 1000, () =>
      bounded().getExecution({ executionId: 'exec-any' })
    ).then(
      () => undefined,
      (error: unknown) => error
    )
    expect((failure as ApiError).code).toBe('RequestTimeout')
    expect((failure as ApiError).message).toContain("the action's limit on one request")
    // MIN_EXCHANGE_MS (3 s) is the floor of one exchange's limit.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  test('an answer that never comes is cut off too', async () => {
    emulator.inject({ action: 'CancelImagePipelineExecution', kind: 'hang' })
    const started = Date.now()
    const failure = await withinDeadline(Date.now(), () =>
      bounded().cancelExecution({ executionId: 'exec-any' })
    ).then(
      () => undefined,
      (error: unknown) => error
    )
    expect((failure as ApiError).code).toBe('RequestTimeout')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  test('a cancelled run ends an exchange in flight at once', async () => {
    emulator.inject({ action: 'DescribeImagePipelineExecutions', kind: 'hang' })
    const abort = new AbortController()
    setTimeout(() => abort.abort(), 200)
    const started = Date.now()
    const failure = await withinDeadline(
      Date.now() + 10_000,
      () => bounded().getExecution({ executionId: 'exec-any' }),
      abort.signal
    ).then(
      () => undefined,
      (error: unknown) => error
    )
    expect((failure as ApiError).code).toBe('RequestAborted')
    expect(Date.now() - started).toBeLessThan(1000)
  })

  test('an answer over 16 MiB is refused, not read whole', async () => {
    emulator.inject({ action: 'DescribeImagePipelineExecutions', kind: 'huge' })
    const failure = await bounded()
      .getExecution({ executionId: 'exec-any' })
      .then(
        () => undefined,
        (error: unknown) => error
      )
    expect((failure as ApiError).code).toBe('ResponseTooLarge')
    expect((failure as ApiError).transient).toBe(false)
  })

  test('a repeated NextToken ends a listing', async () => {
    emulator.inject({ action: 'DescribeImagePipelines', kind: 'repeat-token', times: 1000 })
    const found = await bounded().findPipelines({ name: 'anything' })
    expect(found).toEqual([])
    expect(emulator.calls('DescribeImagePipelines').length).toBeLessThanOrEqual(2)
  })

  test('an error in an HTTP 200 answer is an API error with its code and RequestId', async () => {
    emulator.inject({ action: 'StartImagePipelineExecution', kind: 'code200' })
    const failure = await bounded()
      .startExecution({ pipelineId: 'ip-2ze5tsl5bp6nf2b3emul', clientToken: 't-200', tags: [] })
      .then(
        () => undefined,
        (error: unknown) => error
      )
    expect((failure as ApiError).code).toBe('Throttling.Concurrent')
    expect((failure as ApiError).requestId).toMatch(/^[0-9A-F-]{36}$/)
  })
})
