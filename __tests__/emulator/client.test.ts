/** Our ECS client (src/ecs/client.ts, on the official SDK) against the emulator: what the SDK's transport does. */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
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
