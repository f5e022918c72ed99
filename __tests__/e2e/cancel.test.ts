/** A build this step started is never left running unseen; one it did not start is never cancelled. */
import { expect, test } from '@jest/globals'
import { errors } from '../../tools/launcher.js'
import { run, TEST_PIPELINE_ID, useEmulator } from './harness.js'

const emulator = useEmulator()
const LONG_BUILD = {
  steps: [
    { status: 'PREPARING', ms: 300 },
    { status: 'BUILDING', ms: 600_000 }
  ]
}

test('on-timeout: leave leaves it running and says how to find it', async () => {
  emulator().planNext(TEST_PIPELINE_ID, LONG_BUILD)
  const result = await run(emulator(), { timeout: '3s', 'on-timeout': 'leave' }, { post: true })
  expect(result.exitCode).toBe(1)
  const id = emulator().executions[0].id
  expect(errors(result)[0]).toBe(
    `ecs-image-builder: Timed out after 3s waiting for execution ${id} (last status BUILDING); it was left running (on-timeout: leave); follow it with execution-id: ${id}.`
  )
  expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(0)
  expect(result.summary).toContain('Timed out; it was left running')
})

test('a time-out in a phase that cannot be cancelled says so', async () => {
  emulator().planNext(TEST_PIPELINE_ID, { steps: [{ status: 'DISTRIBUTING', ms: 600_000 }] })
  const result = await run(emulator(), { timeout: '2s' })
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(
    /last status DISTRIBUTING\); the service refused to cancel it in its current phase \(InvalidStatus.ImagePipelineExecution\); it will end on its own/
  )
})

test('a cancelled run (SIGINT during the wait) cancels the build exactly once', async () => {
  emulator().planNext(TEST_PIPELINE_ID, LONG_BUILD)
  const result = await run(emulator(), {}, { post: true, cancelWhen: /\] BUILDING/ })
  expect(result.cancelledAt).toBeDefined()
  expect(result.exitCode).toBe(1)
  const cancels = emulator().calls('CancelImagePipelineExecution')
  expect(cancels).toHaveLength(1)
  expect(cancels[0].at - result.cancelledAt!).toBeLessThan(2000)
  expect(errors(result)[0]).toMatch(
    /The workflow run was cancelled while waiting for execution exec-\w+ \(last status BUILDING\); a cancel was requested/
  )
  expect(result.state).toMatchObject({ 'cancel-requested': 'true' })
  expect(result.post?.exitCode).toBe(0)
  expect(
    emulator()
      .executions[0].transitions()
      .map((t) => t.status)
  ).toEqual(['PREPARING', 'BUILDING', 'CANCELLING', 'CANCELLED'])
})

test('a main step killed before it could cancel: the post step cancels, exactly once', async () => {
  emulator().planNext(TEST_PIPELINE_ID, LONG_BUILD)
  const result = await run(emulator(), {}, { post: true, killWhen: /\] BUILDING/ })
  expect(result.signal).toBe('SIGKILL')
  expect(result.state).toMatchObject({ guard: 'true' })
  expect(result.post?.exitCode).toBe(0)
  expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(1)
  expect(
    emulator()
      .executions[0].transitions()
      .map((t) => t.status)
  ).toEqual(['PREPARING', 'BUILDING', 'CANCELLING', 'CANCELLED'])
})

test('cancel-on-job-cancel: false leaves the build running', async () => {
  emulator().planNext(TEST_PIPELINE_ID, LONG_BUILD)
  const result = await run(
    emulator(),
    { 'cancel-on-job-cancel': 'false' },
    { post: true, cancelWhen: /\] BUILDING/ }
  )
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(/cancel-on-job-cancel is false: the build was left running/)
  expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(0)
})

test('a build this step attached to is never cancelled, not on a cancelled run, not by the post step', async () => {
  const theirs = emulator().seedExecution(TEST_PIPELINE_ID, LONG_BUILD)
  const result = await run(
    emulator(),
    { 'if-running': 'attach' },
    { post: true, killWhen: /\] BUILDING/ }
  )
  expect(result.signal).toBe('SIGKILL')
  expect(result.outputs['execution-id']).toBe(theirs.id)
  expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(0)

  const again = await run(emulator(), { 'if-running': 'attach', timeout: '2s' })
  expect(errors(again)[0]).toMatch(/this step did not start it, so it was left running/)
  expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(0)
})

test('a cancelled run while the start request is in flight: the build is cancelled as soon as its ID arrives', async () => {
  emulator().planNext(TEST_PIPELINE_ID, LONG_BUILD)
  emulator().inject({ action: 'StartImagePipelineExecution', kind: 'slow', delayMs: 2000 })
  const result = await run(emulator(), {}, { post: true, cancelWhen: /::group::Starting a build/ })
  expect(result.cancelledAt).toBeDefined()
  expect(result.exitCode).toBe(1)
  expect(emulator().executions).toHaveLength(1)
  expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(1)
  expect(emulator().calls('CancelImagePipelineExecution')[0].params.ExecutionId).toBe(
    emulator().executions[0].id
  )
  expect(errors(result)[0]).toMatch(
    /The workflow run was cancelled while waiting for execution exec-\w+ .*a cancel was requested/
  )
})

test('a cancelled run during if-running: wait starts nothing', async () => {
  emulator().seedExecution(TEST_PIPELINE_ID, LONG_BUILD)
  const result = await run(
    emulator(),
    { 'if-running': 'wait' },
    { post: true, cancelWhen: /waiting for it to end/ }
  )
  expect(result.exitCode).toBe(1)
  expect(errors(result)[0]).toMatch(
    /cancelled while waiting for execution exec-\w+ of pipeline .* to end \(if-running: wait\); nothing was started/
  )
  expect(emulator().executions).toHaveLength(1)
  expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(0)
})
