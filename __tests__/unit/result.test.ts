/** The step's result, as a pure function, row by row of the outcome table. */
import { expect, test } from '@jest/globals'
import { execution } from '../../__fixtures__/fake-ecs.js'
import type { Ownership } from '../../src/run/context.js'
import {
  cancelsAfterTimeout,
  decideOutcome,
  type Ending,
  type ResultSettings
} from '../../src/run/result.js'

const settings: ResultSettings = {
  onTimeout: 'cancel',
  allowPartialSuccess: false,
  timeoutMs: 3_600_000,
  cancelOnJobCancel: true
}
const accepted = { settled: true, words: 'a cancel was requested for execution exec-1' }
const failed = {
  settled: false,
  words: 'the cancel request failed (boom); cancel it in the ECS console'
}

function ending(end: Ending['end'], status: string, extra: Partial<Ending> = {}): Ending {
  return {
    end,
    execution: execution('exec-1', status, { imageId: 'm-1', message: 'msg' }),
    executionId: 'exec-1',
    ownership: 'started',
    durationMs: 90_000,
    ...extra
  }
}

test.each([
  // status, settings change, passed, warning, message contains
  ['SUCCESS', {}, true, false, 'ended with SUCCESS after 1m 30s (message: "msg"). Image: m-1'],
  ['PARTITION_SUCCESS', {}, false, false, 'set allow-partial-success: true'],
  [
    'PARTITION_SUCCESS',
    { allowPartialSuccess: true },
    true,
    true,
    'so the step passes. Image: m-1'
  ],
  ['FAILED', {}, false, false, 'ended with FAILED after 1m 30s (message: "msg").'],
  ['TEST_FAILED', {}, false, false, 'ended with TEST_FAILED'],
  ['CANCELLED', {}, false, false, 'ended with CANCELLED']
])('ended with %s %j: passed %s, warning %s', (status, change, passed, warning, words) => {
  const result = decideOutcome(ending('ended', status), { ...settings, ...change })
  expect(result).toMatchObject({ passed, warning, done: true })
  expect(result.conclusion).toBe(passed ? 'succeeded' : 'failed')
  expect(result.message).toContain(words)
  expect(result.note).toBeUndefined()
})

test('SUCCESS without an image ID fails, saying the service returned none: a deploy must not run with ""', () => {
  const result = decideOutcome(
    ending('ended', 'SUCCESS', { execution: execution('exec-1', 'SUCCESS', { message: 'done' }) }),
    settings
  )
  expect(result).toMatchObject({ passed: false, conclusion: 'failed', done: true })
  expect(result.message).toMatch(/ended with SUCCESS .* but the service returned no image ID/)
})

test.each<[string, Ownership, Partial<ResultSettings>, Ending['cancel'], boolean, string]>([
  [
    'ours, cancelled',
    'started',
    {},
    accepted,
    true,
    'Timed out after 1h waiting for execution exec-1 (last status BUILDING); a cancel was requested'
  ],
  [
    'ours, cancel failed: backstop stays armed',
    'started',
    {},
    failed,
    false,
    'the cancel request failed'
  ],
  [
    'ours, on-timeout leave',
    'started',
    { onTimeout: 'leave' },
    undefined,
    true,
    'left running (on-timeout: leave); follow it with execution-id: exec-1'
  ],
  [
    'attached',
    'attached',
    {},
    undefined,
    true,
    'this step did not start it, so it was left running'
  ],
  ['given', 'given', {}, undefined, true, 'this step did not start it']
])('timed out, %s', (_name, origin, change, cancel, done, words) => {
  const result = decideOutcome(ending('timed_out', 'BUILDING', { ownership: origin, cancel }), {
    ...settings,
    ...change
  })
  expect(result).toMatchObject({ passed: false, done })
  expect(result.message).toContain(words)
  expect(result.note).toMatch(/^Timed out; /)
})

test.each<[string, Ownership, Partial<ResultSettings>, Ending['cancel'], boolean, string]>([
  ['ours, cancelled', 'started', {}, accepted, true, 'a cancel was requested'],
  ['ours, cancel failed', 'started', {}, failed, false, 'the cancel request failed'],
  [
    'ours, cancel-on-job-cancel false',
    'started',
    { cancelOnJobCancel: false },
    undefined,
    true,
    'cancel-on-job-cancel is false'
  ],
  ['attached', 'attached', {}, undefined, true, 'this step did not start it']
])('run cancelled, %s', (_name, origin, change, cancel, done, words) => {
  const result = decideOutcome(ending('aborted', 'BUILDING', { ownership: origin, cancel }), {
    ...settings,
    ...change
  })
  expect(result).toMatchObject({ passed: false, done })
  expect(result.message).toMatch(
    /^The workflow run was cancelled while waiting for execution exec-1 \(last status BUILDING\)/
  )
  expect(result.message).toContain(words)
})

test.each<[Ownership, 'cancel' | 'leave', boolean]>([
  ['started', 'cancel', true],
  ['started', 'leave', false],
  ['attached', 'cancel', false],
  ['given', 'cancel', false]
])('a time-out cancels: %s under on-timeout %s → %s', (origin, onTimeout, cancels) => {
  expect(cancelsAfterTimeout(origin, { ...settings, onTimeout })).toBe(cancels)
})

test('a failed build with no Message reports its ErrorCode and ErrorInfo', () => {
  const result = decideOutcome(
    ending('ended', 'FAILED', {
      execution: execution('exec-1', 'FAILED', {
        errorCode: 'InvalidInstanceType.NotFound',
        errorInfo: 'The instance type ecs.g7.large is not available.'
      })
    }),
    settings
  )
  expect(result.passed).toBe(false)
  expect(result.message).toContain(
    '(error: InvalidInstanceType.NotFound: The instance type ecs.g7.large is not available.)'
  )
})
