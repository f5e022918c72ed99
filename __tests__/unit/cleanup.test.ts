/** The post step (the backstop): when it cancels, how it retries, and that it never fails the job. */
import { beforeEach, expect, jest, test } from '@jest/globals'
import { FakeClock, MemoryLog } from '../../__fixtures__/clock.js'
import * as core from '../../__fixtures__/core.js'
import { apiError, FakeEcs } from '../../__fixtures__/fake-ecs.js'
import { StaticCredentials } from '../../src/credentials/provider.js'

jest.unstable_mockModule('@actions/core', () => core)
const { cleanup, POST_CANCEL_BUDGET_MS } = await import('../../src/post/cleanup.js')

const inputs = {
  'region-id': 'cn-hangzhou',
  'image-pipeline-id': 'ip-1',
  'access-key-id': 'id',
  'access-key-secret': 'sk'
}

function store(values: Record<string, string>) {
  return { get: (name: string) => values[name] ?? '', set: () => undefined }
}

async function post(state: Record<string, string>, ecs = new FakeEcs()) {
  const clock = new FakeClock()
  const log = new MemoryLog()
  const began = clock.now()
  await cleanup({
    clock,
    log,
    stateStore: store(state),
    env: {},
    makeProvider: () => new StaticCredentials('id', 'sk'),
    connect: () => ecs
  })
  return { ecs, log, spentMs: clock.now() - began }
}

beforeEach(() => {
  jest.clearAllMocks()
  core.setInputs(inputs)
})

const guarded = { 'execution-id': 'exec-1', guard: 'true' }

test.each([
  ['guarded, not done: cancelled by ID (listed or not)', guarded, 1],
  ['guarded but done', { ...guarded, done: 'true' }, 0],
  ['guarded, cancel already accepted', { ...guarded, 'cancel-requested': 'true' }, 0],
  [
    'not guarded (attached, wait false, or cancel-on-job-cancel false)',
    { 'execution-id': 'exec-1' },
    0
  ],
  ['no execution', {}, 0]
])('%s', async (_name, state, cancels) => {
  const { ecs } = await post(state)
  expect(ecs.count('cancel')).toBe(cancels)
  expect(ecs.count('get')).toBe(0)
  expect(core.setFailed).not.toHaveBeenCalled()
})

test('transient failures are retried within the budget of about 25 s', async () => {
  const ecs = new FakeEcs()
  ecs.cancels = [apiError('ServiceUnavailable', true), apiError('Throttling', true), undefined]
  const { log, spentMs } = await post(guarded, ecs)
  expect(ecs.count('cancel')).toBe(3)
  expect(spentMs).toBeLessThanOrEqual(POST_CANCEL_BUDGET_MS)
  expect(log.at('info').join('\n')).toContain('a cancel was requested for execution exec-1')
  expect(log.at('warning').filter((line) => line.includes('after the run'))).toEqual([])
})

test('a service that keeps failing: the post step gives up within its budget, with a warning', async () => {
  const ecs = new FakeEcs()
  ecs.cancels = [apiError('ServiceUnavailable', true)]
  const { log, spentMs } = await post(guarded, ecs)
  expect(ecs.count('cancel')).toBeGreaterThan(3)
  expect(spentMs).toBeLessThanOrEqual(POST_CANCEL_BUDGET_MS)
  expect(log.at('warning').join('\n')).toContain(
    'Could not cancel execution exec-1 (the main step stopped before it recorded an end for the build'
  )
  expect(core.setFailed).not.toHaveBeenCalled()
})

test('a build past cancelling (InvalidStatus.*) is settled, not a failure', async () => {
  const ecs = new FakeEcs()
  ecs.cancels = [apiError('InvalidStatus.CancelFailed')]
  const { log } = await post(guarded, ecs)
  expect(ecs.count('cancel')).toBe(1)
  expect(log.at('info').join('\n')).toContain('the service refused to cancel it')
  expect(log.at('warning').filter((line) => line.includes('after the run'))).toEqual([])
})

test('an error that retrying cannot fix is a warning, never a failure', async () => {
  const ecs = new FakeEcs()
  ecs.cancels = [apiError('Forbidden.RAM')]
  const { log } = await post(guarded, ecs)
  expect(ecs.count('cancel')).toBe(1)
  expect(log.at('warning').join('\n')).toContain('Could not cancel execution exec-1')
  expect(core.setFailed).not.toHaveBeenCalled()
})
