/**
 * Our ECS client (src/ecs/client.ts, through the one bounded exchange) against
 * the emulator: every kind of answer the service, a gateway or a proxy gives
 * is classified by its shape, and every exchange is bounded.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { ApiError } from '../../src/api/errors.js'
import { systemClock } from '../../src/clock.js'
import { StaticCredentials } from '../../src/credentials/provider.js'
import { createEcsClient } from '../../src/ecs/client.js'
import { eachPage } from '../../src/ecs/listing.js'
import { silentLog } from '../../src/log.js'
import { withinScope } from '../../src/net/exchange.js'
import { createRouter } from '../../src/net/proxy.js'
import {
  EcsEmulator,
  type FaultKind,
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET,
  TEST_PIPELINE_ID
} from '../../tools/emulator/server.js'

const emulator = new EcsEmulator()
beforeAll(() => emulator.start())
afterAll(() => emulator.stop())

const client = () =>
  createEcsClient({
    regionId: 'cn-hangzhou',
    endpoint: new URL(emulator.endpoint).host,
    protocol: 'http',
    credential: new StaticCredentials(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET),
    route: createRouter(() => undefined),
    log: silentLog
  })

async function failure(call: () => Promise<unknown>): Promise<ApiError> {
  const error = await call().then(
    () => undefined,
    (thrown: unknown) => thrown
  )
  expect(error).toBeInstanceOf(ApiError)
  return error as ApiError
}

const poll = () => client().getExecution({ executionId: 'exec-any' })

describe('answers that are not the vendor error object are worth a retry, and say their status', () => {
  test.each<[FaultKind, string, RegExp]>([
    ['null503', 'HTTP503', /HTTP 503, with a JSON null/],
    ['array502', 'HTTP502', /HTTP 502, with a JSON array/],
    ['string504', 'HTTP504', /HTTP 504, with a JSON string/],
    ['xml500', 'HTTP500', /HTTP 500, with an XML document/],
    ['json500', 'HTTP500', /HTTP 500, with a JSON object/],
    ['html502', 'HTTP502', /HTTP 502, with an HTML page/],
    ['malformed', 'UnparsableResponse', /HTTP 200 with a body that is not JSON/],
    ['dup-length', 'HPE_UNEXPECTED_CONTENT_LENGTH', /not well-formed HTTP/],
    ['bad-status', 'HPE_INVALID_CONSTANT', /not well-formed HTTP/]
  ])('%s', async (kind, code, words) => {
    emulator.inject({ action: 'DescribeImagePipelineExecutions', kind })
    const error = await failure(poll)
    expect(error).toMatchObject({ code, transient: true })
    expect(error.message).toMatch(words)
    expect(error.message).not.toContain('undefined')
  })
})

test('an error in an HTTP 200 answer is an API error with its code and RequestId', async () => {
  emulator.inject({ action: 'StartImagePipelineExecution', kind: 'code200' })
  const error = await failure(() =>
    client().startExecution({ pipelineId: TEST_PIPELINE_ID, clientToken: 't-200', tags: [] })
  )
  expect(error.code).toBe('Throttling.Concurrent')
  expect(error.requestId).toMatch(/^[0-9A-F-]{36}$/)
})

test("the vendor's x-acs-retry-after is read", async () => {
  emulator.inject({ action: 'DescribeImagePipelineExecutions', kind: 'retry-after', delayMs: 7000 })
  expect(await failure(poll)).toMatchObject({
    code: 'Throttling.User',
    throttled: true,
    retryAfterMs: 7000
  })
})

test("a timestamp too far off says to check the runner's clock", async () => {
  emulator.clockOffsetMs = 20 * 60_000
  try {
    const error = await failure(poll)
    expect(error.code).toBe('InvalidTimeStamp.Expired')
    expect(error.message).toMatch(/Check: check the runner's clock/)
  } finally {
    emulator.clockOffsetMs = 0
  }
})

test('a start answer carries the service clock, from its Date header', async () => {
  const started = await client().startExecution({
    pipelineId: TEST_PIPELINE_ID,
    clientToken: 'clock-1',
    tags: []
  })
  expect(Math.abs((started.serverTime ?? 0) - Date.now())).toBeLessThan(2000)
})

describe('the action bounds every exchange itself', () => {
  test('a body that trickles in a byte at a time is cut off at the deadline', async () => {
    emulator.inject({ action: 'DescribeImagePipelineExecutions', kind: 'drip', delayMs: 100 })
    const started = Date.now()
    const error = await failure(() =>
      withinScope({ clock: systemClock, deadline: systemClock.now() + 1500 }, poll)
    )
    expect(error.code).toBe('RequestTimeout')
    expect(error.message).toContain("the action's limit on one request")
    expect(Date.now() - started).toBeLessThan(2500)
  })

  test('an answer that never comes is cut off too; with no time left nothing is sent', async () => {
    emulator.inject({ action: 'CancelImagePipelineExecution', kind: 'hang' })
    const error = await failure(() =>
      withinScope({ clock: systemClock, deadline: systemClock.now() + 1200 }, () =>
        client().cancelExecution({ executionId: 'exec-any' })
      )
    )
    expect(error.code).toBe('RequestTimeout')
    const before = emulator.requests.length
    const notSent = await failure(() =>
      withinScope({ clock: systemClock, deadline: systemClock.now() + 100 }, poll)
    )
    expect(notSent).toMatchObject({ code: 'DeadlineReached', reached: false })
    expect(emulator.requests.length).toBe(before)
  })

  test('a cancelled run ends an exchange in flight at once', async () => {
    emulator.inject({ action: 'DescribeImagePipelineExecutions', kind: 'hang' })
    const abort = new AbortController()
    setTimeout(() => abort.abort(), 200)
    const started = Date.now()
    const error = await failure(() =>
      withinScope(
        { clock: systemClock, deadline: systemClock.now() + 10_000, signal: abort.signal },
        poll
      )
    )
    expect(error.code).toBe('RequestAborted')
    expect(Date.now() - started).toBeLessThan(1000)
  })

  test.each<[FaultKind, string]>([
    ['huge', 'an answer over 16 MiB'],
    ['gzip-bomb', 'a gzip answer that inflates past 16 MiB']
  ])('%s (%s) is refused, not read whole', async (kind) => {
    emulator.inject({ action: 'DescribeImagePipelineExecutions', kind })
    expect(await failure(poll)).toMatchObject({ code: 'ResponseTooLarge', transient: false })
  })

  test('a gzip answer nobody asked for, within the cap, is read', async () => {
    emulator.inject({ action: 'DescribeImagePipelineExecutions', kind: 'gzip' })
    await expect(poll()).resolves.toBeUndefined()
  })

  test('a repeated NextToken ends a listing, and says the listing is broken', async () => {
    emulator.inject({ action: 'DescribeImagePipelines', kind: 'repeat-token', times: 1000 })
    const listing = await eachPage(
      (nextToken) => client().pipelinesPage({ name: 'anything', nextToken }),
      () => undefined
    )
    expect(listing.end).toBe('repeated-token')
    expect(listing.pages).toBeLessThanOrEqual(2)
  })
})

test('a start quota: calls over it are throttled, never applied', async () => {
  const limited = new EcsEmulator({ startQuota: 1 })
  await limited.start()
  try {
    const ours = createEcsClient({
      regionId: 'cn-hangzhou',
      endpoint: new URL(limited.endpoint).host,
      protocol: 'http',
      credential: new StaticCredentials(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET),
      route: createRouter(() => undefined),
      log: silentLog
    })
    await ours.startExecution({ pipelineId: TEST_PIPELINE_ID, clientToken: 'q-1', tags: [] })
    const error = await failure(() =>
      ours.startExecution({ pipelineId: TEST_PIPELINE_ID, clientToken: 'q-2', tags: [] })
    )
    expect(error).toMatchObject({ code: 'Throttling.User', throttled: true })
    expect(limited.executions).toHaveLength(1)
  } finally {
    await limited.stop()
  }
})
