import { beforeEach, expect, jest, test } from '@jest/globals'
import { MemoryLog } from '../../__fixtures__/clock.js'
import * as core from '../../__fixtures__/core.js'
import type { EcsClient, Execution } from '../../src/ecs.js'

jest.unstable_mockModule('@actions/core', () => core)
const { cleanup } = await import('../../src/cleanup.js')

const inputs = {
  'region-id': 'cn-hangzhou',
  'image-pipeline-id': 'ip-1',
  'access-key-id': 'id',
  'access-key-secret': 'sk'
}

function fakeEcs(status: string | undefined) {
  const cancels: string[] = []
  const ecs = {
    getExecution: async ({
      executionId
    }: {
      executionId: string
    }): Promise<Execution | undefined> => (status ? { executionId, status, tags: [] } : undefined),
    cancelExecution: async ({ executionId }: { executionId: string }) => {
      cancels.push(executionId)
    }
  } as unknown as EcsClient
  return { ecs, cancels }
}

function store(values: Record<string, string>) {
  return { get: (name: string) => values[name] ?? '', set: () => undefined }
}

beforeEach(() => {
  jest.clearAllMocks()
  core.setInputs(inputs)
})

test.each([
  [
    'guarded, not done, running',
    { 'execution-id': 'exec-1', guard: 'true' },
    'BUILDING',
    ['exec-1']
  ],
  [
    'guarded, not done, unknown running status',
    { 'execution-id': 'exec-1', guard: 'true' },
    'VALIDATING',
    ['exec-1']
  ],
  ['guarded but done', { 'execution-id': 'exec-1', guard: 'true', done: 'true' }, 'BUILDING', []],
  [
    'guarded, cancel already requested',
    { 'execution-id': 'exec-1', guard: 'true', 'cancel-requested': 'true' },
    'BUILDING',
    []
  ],
  [
    'not guarded (attached, or cancel-on-job-cancel false)',
    { 'execution-id': 'exec-1' },
    'BUILDING',
    []
  ],
  ['guarded, already ended', { 'execution-id': 'exec-1', guard: 'true' }, 'SUCCESS', []],
  ['guarded, already cancelling', { 'execution-id': 'exec-1', guard: 'true' }, 'CANCELLING', []],
  ['guarded, not listed', { 'execution-id': 'exec-1', guard: 'true' }, undefined, []],
  ['no execution', {}, 'BUILDING', []]
])('%s', async (_name, state, status, expected) => {
  const { ecs, cancels } = fakeEcs(status)
  await cleanup({ state: store(state), log: new MemoryLog(), env: {}, connect: () => ecs })
  expect(cancels).toEqual(expected)
  expect(core.setFailed).not.toHaveBeenCalled()
})

test('a failing cancel is a warning, never a failure', async () => {
  const ecs = {
    getExecution: async () => ({ executionId: 'exec-1', status: 'BUILDING', tags: [] }),
    cancelExecution: async () => {
      throw new Error('boom')
    }
  } as unknown as EcsClient
  await cleanup({
    state: store({ 'execution-id': 'exec-1', guard: 'true' }),
    log: new MemoryLog(),
    env: {},
    connect: () => ecs
  })
  expect(core.warning).toHaveBeenCalledWith(
    expect.stringContaining('Could not cancel execution exec-1')
  )
  expect(core.setFailed).not.toHaveBeenCalled()
})
