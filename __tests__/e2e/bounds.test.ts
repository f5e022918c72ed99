/**
 * Bounded whatever the API does, and never a build left unseen: one test per
 * finding, each asserting its measured bound (time to exit, calls, one cancel).
 * Through dist/ and the launcher, against the emulator's adversarial modes.
 */
import { expect, test } from '@jest/globals'
import { createServer } from 'node:net'
import { errors } from '../../tools/launcher.js'
import { POLL, run, TEST_PIPELINE_ID, useEmulator } from './harness.js'

const emulator = useEmulator()
const LONG_BUILD = {
  steps: [
    { status: 'PREPARING', ms: 300 },
    { status: 'BUILDING', ms: 600_000 }
  ]
}

function statuses(): string[] {
  return emulator()
    .executions[0].transitions()
    .map((t) => t.status)
}

test('timeout holds when every answer trickles in a byte at a time', async () => {
  emulator().planNext(TEST_PIPELINE_ID, LONG_BUILD)
  emulator().inject({
    action: 'DescribeImagePipelineExecutions',
    kind: 'drip',
    delayMs: 200,
    times: 1000
  })
  const began = Date.now()
  const result = await run(emulator(), { timeout: '5s' })
  const took = Date.now() - began
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(/Timed out after 5s .* a cancel was requested/)
  // timeout + 40 s is the promise; a poll's exchange is cut at 15 s, the last at 3 s.
  expect(took).toBeLessThan(5_000 + 25_000)
  expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(1)
}, 60_000)

test('a NextToken repeated for ever ends the name resolution and the summary look-up', async () => {
  emulator().inject({ action: 'DescribeImagePipelines', kind: 'repeat-token', times: 100_000 })
  const result = await run(emulator(), {
    'image-pipeline-id': '',
    'image-pipeline-name': 'golden-ubuntu'
  })
  expect(result.exitCode).toBe(0)
  expect(result.outputs['image-pipeline-id']).toBe(TEST_PIPELINE_ID)
  expect(emulator().calls('DescribeImagePipelines').length).toBeLessThanOrEqual(2)
})

test('a run cancelled while the endpoint refuses connections ends within 5 s, starting nothing', async () => {
  // A port that was free a moment ago: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
  const result = await run(
    emulator(),
    { endpoint: `http://127.0.0.1:${port}` },
    { cancelAfterMs: 1500, timeoutMs: 20_000 }
  )
  expect(result.cancelledAt).toBeDefined()
  expect(result.signal).toBeNull()
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(
    /cancelled while the build was starting; no attempt reached the service, so nothing was started \(.*the connection was refused \(ECS at [\d.:]+\) \(\d+ attempts over \d+s: \d+× ECONNREFUSED\)/
  )
  expect(errors(result)[0]).not.toMatch(/failed\.\./)
})

test('the backstop: a main step whose cancel kept failing leaves it to the post step, which cancels', async () => {
  emulator().planNext(TEST_PIPELINE_ID, LONG_BUILD)
  // The main step's 5 s budget sees only 503s; the post step's 25 s budget gets through.
  emulator().inject({ action: 'CancelImagePipelineExecution', kind: 'http503', times: 5 })
  const result = await run(emulator(), {}, { post: true, cancelWhen: /\] BUILDING/ })
  expect(result.exitCode).toBe(1)
  expect(result.state.done).toBeUndefined()
  expect(result.post?.exitCode).toBe(0)
  const cancels = emulator().calls('CancelImagePipelineExecution')
  expect(cancels.filter((call) => call.httpStatus === 200)).toHaveLength(1)
  expect(statuses()).toEqual(['PREPARING', 'BUILDING', 'CANCELLING', 'CANCELLED'])
}, 60_000)

test('one refused poll ends the wait as a time-out does, and the post step has nothing to do', async () => {
  emulator().planNext(TEST_PIPELINE_ID, LONG_BUILD)
  emulator().inject({ ...POLL, kind: 'forbidden', times: 1 })
  const result = await run(emulator(), {}, { post: true })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(
    /Polling execution exec-\w+ failed \(.*Forbidden\.RAM.*\).*a cancel was requested/
  )
  expect(result.state.done).toBe('true')
  expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(1)
  expect(result.post?.stdout ?? '').not.toMatch(/did not record/)
})

test('wait: false, run cancelled while the start was in flight: the build is cancelled', async () => {
  emulator().planNext(TEST_PIPELINE_ID, LONG_BUILD)
  emulator().inject({ action: 'StartImagePipelineExecution', kind: 'slow', delayMs: 1500 })
  const result = await run(emulator(), { wait: 'false' }, { cancelAfterMs: 500 })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(
    /cancelled while execution exec-\w+ was starting; a cancel was requested/
  )
  expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(1)
})

test('if-running: wait against a service whose state lags: the schedule and the deadline hold', async () => {
  // The start says busy, the listing shows the old build running, a look-up by ID says it ended.
  const theirs = emulator().seedExecution(TEST_PIPELINE_ID, { steps: [] }, 60_000)
  emulator().inject(
    { action: 'StartImagePipelineExecution', kind: 'busy', times: 1000 },
    { action: 'DescribeImagePipelineExecutions', kind: 'stale-listing', times: 1000 }
  )
  const began = Date.now()
  const result = await run(emulator(), { 'if-running': 'wait', timeout: '5s' })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(
    /Timed out (waiting for .*|before the build of pipeline .* could be started .*); nothing was started/
  )
  expect(Date.now() - began).toBeLessThan(5_000 + 40_000)
  const starts = emulator().calls('StartImagePipelineExecution')
  // One start a poll-interval (1 s here) at the most, each with a token of its own.
  expect(starts.length).toBeLessThanOrEqual(7)
  expect(new Set(starts.map((call) => call.params.ClientToken)).size).toBe(starts.length)
  expect(theirs.id).toMatch(/^exec-/)
})

test('outputs follow the polls: after a time-out they hold the last message and status seen', async () => {
  emulator().planNext(TEST_PIPELINE_ID, {
    // The message changes while the status stays the same.
    steps: [
      { status: 'BUILDING', ms: 600, message: 'first message' },
      { status: 'BUILDING', ms: 600_000, message: 'still building' }
    ]
  })
  const result = await run(emulator(), { timeout: '3s', 'on-timeout': 'leave' })
  expect(result.exitCode).toBe(1)
  expect(result.outputs).toMatchObject({ status: 'BUILDING', message: 'still building' })
  expect(Number(result.outputs['duration-seconds'])).toBeGreaterThanOrEqual(1)
})
