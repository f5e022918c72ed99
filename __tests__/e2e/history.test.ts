/** History: one call for the pipeline's recent successful builds, before the wait; best-effort. */
import { expect, test } from '@jest/globals'
import { DEBUG, run, TEST_PIPELINE_ID, useEmulator } from './harness.js'

const emulator = useEmulator()

function seedPastBuilds(durationsMs: number[]): void {
  durationsMs.forEach((ms, i) =>
    emulator().seedExecution(
      TEST_PIPELINE_ID,
      { steps: [{ status: 'BUILDING', ms }] },
      3_600_000 * (i + 1)
    )
  )
}

const LONG_PHASE = {
  steps: [
    { status: 'BUILDING', ms: 9000 },
    { status: 'RELEASING', ms: 300 }
  ]
}
const delaysIn = (stdout: string): number[] =>
  [...stdout.matchAll(/::debug::next poll in ([\d.]+)s/g)].map((m) => Number(m[1]))

test('recent successful builds are read with one call and shape the schedule', async () => {
  seedPastBuilds([40 * 60_000, 45 * 60_000, 42 * 60_000])
  emulator().planNext(TEST_PIPELINE_ID, LONG_PHASE)
  const result = await run(
    emulator(),
    { 'poll-interval': '1s', 'max-poll-interval': '5s' },
    { env: DEBUG }
  )
  expect(result.exitCode).toBe(0)
  const history = emulator()
    .calls('DescribeImagePipelineExecutions')
    .filter((r) => r.params.ImagePipelineId)
  expect(history).toHaveLength(1)
  expect(history[0].params).toMatchObject({
    ImagePipelineId: TEST_PIPELINE_ID,
    Status: 'SUCCESS',
    MaxResults: '10'
  })
  expect(result.stdout).toContain(
    `Recent successful builds of ${TEST_PIPELINE_ID} took 40m to 45m: polling sparsely for the first 36m.`
  )
  // Early in a build expected to last 40 minutes, the schedule grows past what
  // phase-aware polling allows (2× the minimum, ±10% jitter) to 3× the minimum.
  expect(Math.max(...delaysIn(result.stdout))).toBeGreaterThan(2.2)
})

test('fewer than two past builds: phase-aware polling only, said once', async () => {
  seedPastBuilds([40 * 60_000])
  const result = await run(emulator())
  expect(result.exitCode).toBe(0)
  expect(result.stdout).toContain('Fewer than 2 recent successful builds')
})

test('a failed history call is retried within its budget, and never fails the build', async () => {
  seedPastBuilds([40 * 60_000, 45 * 60_000])
  emulator().inject({ action: 'DescribeImagePipelineExecutions', kind: 'http503', times: 2 })
  const result = await run(emulator())
  expect(result.exitCode).toBe(0)
  const historyCalls = emulator()
    .calls('DescribeImagePipelineExecutions')
    .filter((call) => call.params.Status === 'SUCCESS')
  expect(historyCalls.map((call) => call.httpStatus)).toEqual([503, 503, 200])
})

test('a history call that is refused never fails the build', async () => {
  seedPastBuilds([40 * 60_000, 45 * 60_000])
  emulator().inject({ action: 'DescribeImagePipelineExecutions', kind: 'forbidden' })
  const result = await run(emulator())
  expect(result.exitCode).toBe(0)
  expect(emulator().calls('DescribeImagePipelineExecutions')[0].httpStatus).toBe(403)
})
