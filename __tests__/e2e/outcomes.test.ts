/** One test per row of the outcome table (README.md, "Outcomes"), through dist/ against the emulator. */
import { expect, test } from '@jest/globals'
import { errors } from '../../tools/launcher.js'
import { run, TEST_PIPELINE_ID, useEmulator } from './harness.js'

const emulator = useEmulator()

test('SUCCESS: the step passes with every output, and the summary tells the story', async () => {
  emulator().planNext(TEST_PIPELINE_ID, { imageId: 'm-golden123', message: 'Image build success!' })
  const result = await run(emulator())
  expect(result.exitCode).toBe(0)
  const execution = emulator().executions[0]
  expect(result.outputs).toEqual({
    'execution-id': execution.id,
    'image-pipeline-id': TEST_PIPELINE_ID,
    status: 'SUCCESS',
    'image-id': 'm-golden123',
    message: 'Image build success!',
    'duration-seconds': expect.stringMatching(/^\d+$/)
  })
  expect(Number(result.outputs['duration-seconds'])).toBeLessThan(10)
  for (const row of [
    `| Pipeline | golden-ubuntu (\`${TEST_PIPELINE_ID}\`) |`,
    '| Region | cn-hangzhou |',
    `| Execution | \`${execution.id}\` (started) |`,
    '| Status | SUCCESS |',
    '| Image | `m-golden123` |',
    '| Message | Image build success! |',
    '| Duration |'
  ]) {
    expect(result.summary).toContain(row)
  }
  expect(result.summary).toMatch(/\| PREPARING \| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \| \d+s \|/)
  // Each status change once, with elapsed time, inside a log group.
  const changes = result.stdout.split('\n').filter((l) => /^\[\d+s\] [A-Z_]+/.test(l))
  expect(changes.at(-1)).toMatch(/SUCCESS: Image build success!$/)
  expect(new Set(changes.map((l) => l.split(' ')[1])).size).toBe(changes.length)
  expect(result.stdout).toContain(`::group::Waiting for execution ${execution.id}`)
  // Nothing printed on stderr: no deprecation warning (DEP0169 url.parse came from the vendor's transport).
  expect(result.stderr).toBe('')
})

test('PARTITION_SUCCESS fails by default, with the image ID published', async () => {
  emulator().planNext(TEST_PIPELINE_ID, {
    end: 'PARTITION_SUCCESS',
    imageId: 'm-partial',
    message: 'copy to cn-shanghai failed'
  })
  const result = await run(emulator())
  expect(result.exitCode).toBe(1)
  expect(result.outputs).toMatchObject({
    status: 'PARTITION_SUCCESS',
    'image-id': 'm-partial',
    message: 'copy to cn-shanghai failed'
  })
  expect(errors(result)[0]).toMatch(
    /ended with PARTITION_SUCCESS .*copy to cn-shanghai failed.*allow-partial-success/
  )
})

test('PARTITION_SUCCESS passes with a warning under allow-partial-success', async () => {
  emulator().planNext(TEST_PIPELINE_ID, { end: 'PARTITION_SUCCESS', imageId: 'm-partial' })
  const result = await run(emulator(), { 'allow-partial-success': 'true' })
  expect(result.exitCode).toBe(0)
  expect(result.outputs['image-id']).toBe('m-partial')
  expect(result.commands.filter((c) => c.command === 'warning').map((c) => c.message)).toEqual([
    expect.stringMatching(/PARTITION_SUCCESS.*allow-partial-success is true/)
  ])
})

test.each([
  ['TEST_FAILED', 'Test command exited with code 2', 'm-tested'],
  ['FAILED', 'Build command exited with code 1', undefined]
] as const)(
  '%s fails, naming the status and the message; the image ID is published where there is one',
  async (end, message, imageId) => {
    emulator().planNext(TEST_PIPELINE_ID, { end, message, imageId: imageId ?? null })
    const result = await run(emulator())
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe(end)
    expect(result.outputs['image-id']).toBe(imageId)
    expect(result.outputs['execution-id']).toBe(emulator().executions[0].id)
    expect(errors(result)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^ecs-image-builder: Execution ${emulator().executions[0].id} ended with ${end} after .*${message}`
        )
      )
    ])
    expect(result.summary).toContain(`| Status | ${end} |`)
  }
)

test('CANCELLED (by someone else) fails, naming the status', async () => {
  emulator().planNext(TEST_PIPELINE_ID, {
    steps: [{ status: 'BUILDING', ms: 60_000 }],
    cancelMs: 100
  })
  const pending = run(emulator())
  await new Promise((resolve) => setTimeout(resolve, 700))
  emulator().executions[0].cancelledAt = Date.now()
  const result = await pending
  expect(result.exitCode).toBe(1)
  expect(result.outputs.status).toBe('CANCELLED')
  expect(errors(result)[0]).toMatch(/ended with CANCELLED/)
})

test('a time-out fails, saying how long it waited, the last status and that a cancel was requested', async () => {
  emulator().planNext(TEST_PIPELINE_ID, { steps: [{ status: 'BUILDING', ms: 600_000 }] })
  const result = await run(emulator(), { timeout: '3s' })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(
    /Timed out after 3s waiting for execution exec-\w+ \(last status BUILDING\); a cancel was requested/
  )
  expect(result.outputs).toMatchObject({
    status: 'BUILDING',
    'execution-id': emulator().executions[0].id
  })
  expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(1)
})

test('an API error that retrying cannot fix fails at once with code, message, RequestId and what to check', async () => {
  const result = await run(emulator(), { 'image-pipeline-id': 'ip-doesnotexist' })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(
    /StartImagePipelineExecution \(pipeline ip-doesnotexist\) failed: InvalidImagePipeline\.NotFound: .+ \(RequestId: [0-9A-F-]{36}\)\. Check: check the image pipeline ID and that region-id/
  )
  expect(emulator().requests).toHaveLength(1)
  expect(result.outputs).toEqual({ 'image-pipeline-id': 'ip-doesnotexist' })
})

test('wait: false starts the build, sets execution-id and returns at once', async () => {
  emulator().planNext(TEST_PIPELINE_ID, { steps: [{ status: 'BUILDING', ms: 600_000 }] })
  const result = await run(emulator(), { wait: 'false' }, { post: true })
  expect(result.exitCode).toBe(0)
  expect(result.outputs).toEqual({
    'image-pipeline-id': TEST_PIPELINE_ID,
    'execution-id': emulator().executions[0].id
  })
  expect(emulator().calls('DescribeImagePipelineExecutions')).toHaveLength(0)
  // The post step leaves a build that was meant to go on alone.
  expect(result.post?.exitCode).toBe(0)
  expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(0)
})

test('without the pipeline name (DescribeImagePipelines refused), the summary shows the ID alone', async () => {
  emulator().inject({ action: 'DescribeImagePipelines', kind: 'forbidden' })
  const result = await run(emulator())
  expect(result.exitCode).toBe(0)
  expect(result.summary).toContain(`| Pipeline | \`${TEST_PIPELINE_ID}\` |`)
  expect(emulator().calls('DescribeImagePipelines')).toHaveLength(1)
})
