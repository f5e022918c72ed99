/** if-running and execution-id: a busy pipeline, and a build started elsewhere. */
import { expect, test } from '@jest/globals'
import { errors } from '../../tools/launcher.js'
import { run, TEST_PIPELINE_ID, useEmulator } from './harness.js'

const emulator = useEmulator()

test('fail (default): names the running execution and suggests the other modes', async () => {
  const theirs = emulator().seedExecution(TEST_PIPELINE_ID, {
    steps: [{ status: 'BUILDING', ms: 600_000 }]
  })
  const result = await run(emulator())
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toBe(
    `ecs-image-builder: Pipeline ${TEST_PIPELINE_ID} is busy with execution ${theirs.id} (BUILDING). Set if-running: attach to adopt it, if-running: wait to start after it ends, or execution-id: ${theirs.id} to wait for it.`
  )
  expect(emulator().executions).toHaveLength(1)
})

test('attach: adopts the running execution and reports its result', async () => {
  const theirs = emulator().seedExecution(TEST_PIPELINE_ID, {
    steps: [{ status: 'BUILDING', ms: 1500 }],
    imageId: 'm-theirs'
  })
  const result = await run(emulator(), { 'if-running': 'attach' })
  expect(result.exitCode).toBe(0)
  expect(result.outputs).toMatchObject({
    'execution-id': theirs.id,
    status: 'SUCCESS',
    'image-id': 'm-theirs'
  })
  expect(result.summary).toContain(`| Execution | \`${theirs.id}\` (attached) |`)
  expect(emulator().executions).toHaveLength(1)
})

test('wait: waits for the running execution to end, then starts ours', async () => {
  const theirs = emulator().seedExecution(TEST_PIPELINE_ID, {
    steps: [{ status: 'BUILDING', ms: 1500 }],
    imageId: 'm-theirs'
  })
  emulator().planNext(TEST_PIPELINE_ID, { imageId: 'm-ours' })
  const result = await run(emulator(), { 'if-running': 'wait' })
  expect(result.exitCode).toBe(0)
  expect(emulator().executions).toHaveLength(2)
  const ours = emulator().executions[1]
  expect(ours.createdAt).toBeGreaterThanOrEqual(theirs.endedAt())
  expect(result.outputs).toMatchObject({
    'execution-id': ours.id,
    'image-id': 'm-ours',
    status: 'SUCCESS'
  })
  expect(result.stdout).toContain(
    `busy with execution ${theirs.id} (BUILDING); waiting for it to end (if-running: wait)`
  )
})

test('execution-id: waits for an existing execution; no start; the pipeline is reported from it', async () => {
  const existing = emulator().seedExecution(TEST_PIPELINE_ID, {
    steps: [{ status: 'BUILDING', ms: 1200 }],
    imageId: 'm-elsewhere'
  })
  const result = await run(
    emulator(),
    { 'image-pipeline-id': '', 'execution-id': existing.id },
    { post: true }
  )
  expect(result.exitCode).toBe(0)
  expect(result.outputs).toMatchObject({
    'execution-id': existing.id,
    'image-pipeline-id': TEST_PIPELINE_ID,
    status: 'SUCCESS',
    'image-id': 'm-elsewhere'
  })
  expect(emulator().calls('StartImagePipelineExecution')).toHaveLength(0)
  expect(result.summary).toContain('(waited for)')
})

test('execution-id that does not exist fails after the grace period with a clear error', async () => {
  const result = await run(emulator(), {
    'image-pipeline-id': '',
    'execution-id': 'exec-nothere',
    timeout: '3s'
  })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(
    /Timed out after 3s waiting for execution exec-nothere \(last status unknown\)/
  )
})

test('a running execution in a status the action does not know is still found (attach)', async () => {
  const theirs = emulator().seedExecution(TEST_PIPELINE_ID, {
    steps: [{ status: 'VALIDATING', ms: 1500 }],
    imageId: 'm-validated'
  })
  const result = await run(emulator(), { 'if-running': 'attach' })
  expect(result.exitCode).toBe(0)
  expect(result.outputs).toMatchObject({ 'execution-id': theirs.id, 'image-id': 'm-validated' })
  expect(result.stdout).toContain(`busy with execution ${theirs.id} (VALIDATING)`)
})
