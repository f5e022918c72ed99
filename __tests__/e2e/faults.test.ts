/** Faults never fail a healthy build, never start two, and a wrong secret fails fast. */
import { expect, test } from '@jest/globals'
import { errors } from '../../tools/launcher.js'
import { DEBUG, POLL, run, TEST_PIPELINE_ID, useEmulator } from './harness.js'

const emulator = useEmulator()
const LONGER = {
  steps: [
    { status: 'PREPARING', ms: 1000 },
    { status: 'BUILDING', ms: 3000 },
    { status: 'RELEASING', ms: 500 }
  ]
}

function retriedFigure(stdout: string): number {
  const match = /::debug::wait ended after (\d+) poll\(s\), (\d+) retried/.exec(stdout)
  return match ? Number(match[2]) : -1
}

test('bursts of throttling, 503s, resets, HTML 502s and slow answers during the wait: still SUCCESS', async () => {
  emulator().planNext(TEST_PIPELINE_ID, LONGER)
  const action = 'DescribeImagePipelineExecutions'
  emulator().inject(
    { ...POLL, kind: 'throttle', times: 2 },
    { ...POLL, kind: 'http429' },
    { ...POLL, kind: 'http503' },
    { ...POLL, kind: 'reset' },
    { ...POLL, kind: 'html502' },
    { ...POLL, kind: 'truncated' },
    { ...POLL, kind: 'slow', delayMs: 1500 }
  )
  const result = await run(
    emulator(),
    { 'max-poll-interval': '1s', timeout: '90s' },
    { env: DEBUG }
  )
  expect(result.exitCode).toBe(0)
  expect(result.outputs.status).toBe('SUCCESS')
  const faulted = emulator()
    .calls(action)
    .filter((r) => r.fault && r.fault !== 'slow')
  expect(faulted).toHaveLength(7)
  // The figure of retries shows in the debug log, and it matches what the emulator did.
  expect(retriedFigure(result.stdout)).toBe(7)
  expect(result.stdout).toMatch(
    /::debug::poll \d+ failed with Throttling.User \(HTTP 400\); retry 1 at the next poll/
  )
  expect(result.stdout).toMatch(/failed with ServiceUnavailable \(HTTP 503\)/)
  expect(result.stdout).toMatch(/failed with UnparsableResponse/)
}, 60_000)

test('a throttled poll slows the schedule down', async () => {
  emulator().planNext(TEST_PIPELINE_ID, LONGER)
  emulator().inject({ ...POLL, kind: 'throttle', times: 1 })
  const result = await run(
    emulator(),
    { 'poll-interval': '1s', 'max-poll-interval': '5s' },
    { env: DEBUG }
  )
  expect(result.exitCode).toBe(0)
  const delays = [...result.stdout.matchAll(/::debug::next poll in ([\d.]+)s/g)].map((m) =>
    Number(m[1])
  )
  // The first poll was throttled: the next delay is at least twice the minimum.
  expect(delays[0]).toBeGreaterThanOrEqual(2)
  // Said once as a notice, and in the job summary, with how much it cost.
  expect(result.stdout.match(/::notice::The API throttled 1 of \d+ polls/g)).toHaveLength(1)
  expect(result.summary).toMatch(
    /\| Throttled \| 1 of \d+ polls \(the account's API rate quota\); waiting it out added about \d+s \|/
  )
})

test.each(['reset-after-apply', 'truncated', 'slow'] as const)(
  'a start whose answer was lost (%s) is retried with the same token: exactly one execution',
  async (kind) => {
    emulator().inject({ action: 'StartImagePipelineExecution', kind, delayMs: 12_000 })
    const result = await run(emulator(), {}, { env: DEBUG })
    expect(result.exitCode).toBe(0)
    expect(emulator().executions).toHaveLength(1)
    const starts = emulator().calls('StartImagePipelineExecution')
    expect(starts.length).toBeGreaterThanOrEqual(2)
    expect(new Set(starts.map((s) => s.params.ClientToken)).size).toBe(1)
    expect(result.outputs['execution-id']).toBe(emulator().executions[0].id)
  },
  60_000
)

test('throttling and 5xx on the start are retried', async () => {
  emulator().inject(
    { action: 'StartImagePipelineExecution', kind: 'throttle' },
    { action: 'StartImagePipelineExecution', kind: 'http503' },
    { action: 'StartImagePipelineExecution', kind: 'html502' }
  )
  const result = await run(emulator())
  expect(result.exitCode).toBe(0)
  expect(emulator().calls('StartImagePipelineExecution')).toHaveLength(4)
  expect(emulator().executions).toHaveLength(1)
})

test('an execution invisible for a while after its start is waited for, not reported missing', async () => {
  emulator().planNext(TEST_PIPELINE_ID, { invisibleMs: 2500 })
  const result = await run(emulator(), {}, { env: DEBUG })
  expect(result.exitCode).toBe(0)
  expect(result.outputs.status).toBe('SUCCESS')
  expect(result.stdout).toMatch(/::debug::poll 1: execution exec-\w+ not visible yet/)
})

test('a status the action does not know is running, with one warning', async () => {
  emulator().planNext(TEST_PIPELINE_ID, {
    steps: [
      { status: 'PREPARING', ms: 300 },
      { status: 'VALIDATING', ms: 2500 },
      { status: 'RELEASING', ms: 300 }
    ]
  })
  const result = await run(emulator())
  expect(result.exitCode).toBe(0)
  const warnings = result.commands.filter((c) => c.command === 'warning')
  expect(warnings).toEqual([
    expect.objectContaining({ message: expect.stringContaining('"VALIDATING"') })
  ])
})

test('a wrong secret fails fast, with few requests and the credentials hint', async () => {
  const result = await run(emulator(), { 'access-key-secret': 'not-the-secret' })
  expect(result.exitCode).toBe(1)
  expect(emulator().requests.length).toBeLessThanOrEqual(2)
  expect(errors(result)[0]).toMatch(
    /SignatureDoesNotMatch: .*\(RequestId: [0-9A-F-]+\)\. Check: check the credentials/
  )
  // The secret appears only where the runner learns to mask it.
  expect(result.stdout.split('\n').filter((l) => l.includes('not-the-secret'))).toEqual([
    '::add-mask::not-the-secret'
  ])
})

test('an unreachable endpoint is retried until the deadline, then reported as a connection error', async () => {
  const port = Number(new URL(emulator().endpoint).port)
  await emulator().stop()
  const result = await run(emulator(), { endpoint: `http://127.0.0.1:${port}`, timeout: '3s' })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(
    /StartImagePipelineExecution \(pipeline ip-\w+\) failed: (ECONNREFUSED|ConnectionError)/
  )
})
