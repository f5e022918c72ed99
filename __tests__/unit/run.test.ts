/**
 * The whole main step through its seam (fake clock, fake client, recorded
 * outputs, state and summary): every row of the outcome table, each if-running
 * mode, each cancel path. Hours of waiting take milliseconds.
 */
import { beforeEach, describe, expect, jest, test } from '@jest/globals'
import { EventEmitter } from 'node:events'
import { FakeClock, MemoryLog } from '../../__fixtures__/clock.js'
import * as core from '../../__fixtures__/core.js'
import { apiError, execution, FakeEcs } from '../../__fixtures__/fake-ecs.js'
import { StaticCredentials } from '../../src/credentials/provider.js'
import type { Signals } from '../../src/run/cancellation.js'
import { FINAL_POLL_MS } from '../../src/wait/wait.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../../src/main.js')

const HOUR = 3_600_000
const base = {
  'region-id': 'cn-hangzhou',
  'image-pipeline-id': 'ip-1',
  'access-key-id': 'id',
  'access-key-secret': 'sk',
  'poll-interval': '10s'
}

interface Step {
  ecs: FakeEcs
  clock: FakeClock
  log: MemoryLog
  signals: EventEmitter
  outputs: Record<string, string>
  state: Record<string, string>
  summaries: string[]
  /** The step's failure, or undefined when it passed. */
  failure?: string
  spentMs: number
}

function setUp(): Omit<Step, 'failure' | 'spentMs'> {
  return {
    ecs: new FakeEcs(),
    clock: new FakeClock(),
    log: new MemoryLog(),
    signals: new EventEmitter(),
    outputs: {},
    state: {},
    summaries: []
  }
}

async function step(
  inputs: Record<string, string> = {},
  prepare: (world: ReturnType<typeof setUp>) => void = () => undefined
): Promise<Step> {
  const world = setUp()
  prepare(world)
  core.setInputs({ ...base, ...inputs })
  const began = world.clock.now()
  await run({
    clock: world.clock,
    log: world.log,
    env: {},
    signals: world.signals as unknown as Signals,
    stateStore: { get: (name) => world.state[name] ?? '', set: (n, v) => (world.state[n] = v) },
    setOutput: (name, value) => (world.outputs[name] = value),
    writeSummary: async (markdown) => void world.summaries.push(markdown),
    makeProvider: () => new StaticCredentials('id', 'sk'),
    connect: () => world.ecs
  })
  const failed = core.setFailed.mock.calls.map(([message]) => String(message))
  expect(failed.length).toBeLessThanOrEqual(1)
  return { ...world, failure: failed[0], spentMs: world.clock.now() - began }
}

/** The new build goes through these statuses, one a poll. */
function builds(...statuses: Array<string | [string, string]>) {
  return (world: ReturnType<typeof setUp>) => {
    world.ecs.polls.set(
      'exec-new',
      statuses.map((entry) => {
        // A SUCCESS comes with an image unless a test says otherwise.
        const [status, imageId] = Array.isArray(entry)
          ? entry
          : [entry, entry === 'SUCCESS' ? 'm-built' : undefined]
        return execution('exec-new', status, { imageId, message: `now ${status}` })
      })
    )
  }
}

beforeEach(() => {
  jest.clearAllMocks()
})

describe('the outcome table', () => {
  test('SUCCESS: passes, with every output', async () => {
    const { failure, outputs, state, summaries, log } = await step(
      {},
      builds('BUILDING', 'RELEASING', ['SUCCESS', 'm-1'])
    )
    expect(failure).toBeUndefined()
    expect(outputs).toMatchObject({
      'execution-id': 'exec-new',
      'image-pipeline-id': 'ip-1',
      status: 'SUCCESS',
      'image-id': 'm-1',
      message: 'now SUCCESS'
    })
    expect(Number(outputs['duration-seconds'])).toBeGreaterThan(0)
    expect(state).toMatchObject({ 'execution-id': 'exec-new', guard: 'true', done: 'true' })
    expect(summaries).toHaveLength(1)
    expect(summaries[0]).toContain('golden')
    expect(log.at('info').join('\n')).toContain('ended with SUCCESS')
  })

  test.each([
    ['false', 'fails', true],
    ['true', 'passes with a warning', false]
  ])('PARTITION_SUCCESS, allow-partial-success %s: %s', async (allow, _what, fails) => {
    const { failure, outputs, log } = await step(
      { 'allow-partial-success': allow },
      builds('BUILDING', ['PARTITION_SUCCESS', 'm-2'])
    )
    expect(outputs['image-id']).toBe('m-2')
    expect(failure !== undefined).toBe(fails)
    if (fails) expect(failure).toContain('allow-partial-success: true')
    else expect(log.at('warning').join('\n')).toContain('PARTITION_SUCCESS')
  })

  test.each(['FAILED', 'TEST_FAILED', 'CANCELLED'])(
    '%s: fails, naming the status and the message',
    async (status) => {
      const { failure, outputs, state, ecs } = await step({}, builds('BUILDING', status))
      expect(failure).toContain(`ended with ${status}`)
      expect(failure).toContain(`now ${status}`)
      expect(outputs.status).toBe(status)
      expect(state.done).toBe('true')
      expect(ecs.count('cancel')).toBe(0)
    }
  )

  test('a time-out cancels the build this step started, and says so', async () => {
    const { failure, outputs, state, ecs, summaries, spentMs } = await step(
      { timeout: '3h' },
      builds('BUILDING')
    )
    expect(failure).toMatch(
      /Timed out after 3h waiting for execution exec-new \(last status BUILDING\); a cancel was requested/
    )
    expect(outputs.status).toBe('BUILDING')
    expect(ecs.count('cancel')).toBe(1)
    expect(state.done).toBe('true')
    expect(summaries[0]).toContain('Timed out')
    expect(spentMs).toBeGreaterThanOrEqual(3 * HOUR - FINAL_POLL_MS)
    expect(spentMs).toBeLessThan(3 * HOUR + 40_000)
  })

  test('a time-out under on-timeout: leave leaves it running', async () => {
    const { failure, ecs, state } = await step(
      { timeout: '1h', 'on-timeout': 'leave' },
      builds('BUILDING')
    )
    expect(failure).toContain('left running (on-timeout: leave)')
    expect(ecs.count('cancel')).toBe(0)
    expect(state.done).toBe('true')
  })

  test('a time-out whose cancel fails leaves the backstop armed', async () => {
    const { failure, state, ecs } = await step({ timeout: '1h' }, (world) => {
      builds('BUILDING')(world)
      world.ecs.cancels = [apiError('ServiceUnavailable', true)]
    })
    expect(failure).toContain('the cancel request failed')
    expect(ecs.count('cancel')).toBeGreaterThan(1)
    expect(state.done).toBeUndefined()
    expect(state.guard).toBe('true')
  })

  test('an API error that retrying cannot fix fails at once with its code and RequestId', async () => {
    const { failure, ecs, outputs } = await step({}, (world) => {
      world.ecs.starts = [
        apiError('InvalidImagePipeline.NotFound', false, 'StartImagePipelineExecution')
      ]
    })
    expect(failure).toContain('InvalidImagePipeline.NotFound')
    expect(failure).toContain('REQ-1')
    expect(failure).toContain('check the image pipeline ID')
    expect(ecs.count('start')).toBe(1)
    expect(outputs['execution-id']).toBeUndefined()
  })

  test('bad input fails before any API call, naming the input', async () => {
    const { failure, ecs, outputs } = await step({ 'on-timeout': 'maybe' })
    expect(failure).toContain('Input "on-timeout"')
    expect(ecs.calls).toEqual([])
    expect(outputs).toEqual({})
  })
})

describe('where the execution comes from', () => {
  test('execution-id: waits for it, never starts or cancels, reports its pipeline', async () => {
    const { failure, ecs, outputs, state } = await step(
      { 'image-pipeline-id': '', 'execution-id': 'exec-old', timeout: '1h' },
      (world) => world.ecs.polls.set('exec-old', [execution('exec-old', 'BUILDING')])
    )
    expect(failure).toContain('this step did not start it, so it was left running')
    expect(ecs.count('start')).toBe(0)
    expect(ecs.count('cancel')).toBe(0)
    expect(outputs['image-pipeline-id']).toBe('ip-1')
    expect(state.guard).toBeUndefined()
  })

  test('image-pipeline-name: resolved, and the ID is an output', async () => {
    const { failure, ecs, outputs } = await step(
      { 'image-pipeline-id': '', 'image-pipeline-name': 'golden' },
      builds('SUCCESS')
    )
    expect(failure).toBeUndefined()
    expect(outputs['image-pipeline-id']).toBe('ip-1')
    expect(ecs.calls.find((call) => call.operation === 'start')?.params).toMatchObject({
      pipelineId: 'ip-1'
    })
  })

  test('wait: false returns at once with the execution ID, and the post step stands down', async () => {
    const { failure, ecs, outputs, state } = await step({ wait: 'false' })
    expect(failure).toBeUndefined()
    expect(outputs['execution-id']).toBe('exec-new')
    expect(ecs.count('get')).toBe(0)
    expect(state.done).toBe('true')
  })
})

describe('if-running', () => {
  const busy = (world: ReturnType<typeof setUp>) => {
    world.ecs.starts = [
      apiError('InvalidImagePipeline.HasRunningExecution', false, 'StartImagePipelineExecution'),
      'exec-new'
    ]
    world.ecs.listings = [[execution('exec-old', 'SUCCESS'), execution('exec-other', 'BUILDING')]]
    world.ecs.polls.set('exec-other', [
      execution('exec-other', 'BUILDING'),
      execution('exec-other', 'SUCCESS', { imageId: 'm-theirs' })
    ])
    builds('SUCCESS')(world)
  }

  test('fail: names the running execution', async () => {
    const { failure, ecs } = await step({}, busy)
    expect(failure).toContain('Pipeline ip-1 is busy with execution exec-other (BUILDING)')
    expect(ecs.count('start')).toBe(1)
  })

  test('attach: adopts it, and never cancels what it did not start', async () => {
    const { failure, outputs, state, summaries } = await step({ 'if-running': 'attach' }, busy)
    expect(failure).toBeUndefined()
    expect(outputs['execution-id']).toBe('exec-other')
    expect(state.guard).toBeUndefined()
    expect(summaries[0]).toContain('(attached)')
  })

  test('wait: the grace for our new build counts from our start, not the step: a long wait does not cancel it', async () => {
    const { failure, outputs, ecs } = await step({ 'if-running': 'wait' }, (world) => {
      busy(world)
      // The other build runs for about five minutes of polls.
      world.ecs.polls.set('exec-other', [
        ...Array.from({ length: 30 }, () => execution('exec-other', 'BUILDING')),
        execution('exec-other', 'SUCCESS', { imageId: 'm-theirs' })
      ])
      // Ours is not listed for its first few polls, as happens right after a start.
      world.ecs.polls.set('exec-new', [
        undefined,
        undefined,
        execution('exec-new', 'BUILDING'),
        execution('exec-new', 'SUCCESS', { imageId: 'm-ours' })
      ])
    })
    expect(failure).toBeUndefined()
    expect(outputs['image-id']).toBe('m-ours')
    expect(ecs.count('cancel')).toBe(0)
  })

  test('attach never adopts an execution of another pipeline, whatever the listing says', async () => {
    const { failure, outputs, ecs } = await step({ 'if-running': 'attach' }, (world) => {
      busy(world)
      world.ecs.listings = [[execution('exec-foreign', 'BUILDING', { pipelineId: 'ip-other' })]]
    })
    expect(failure).toMatch(/Pipeline ip-1 already has a running execution/)
    expect(outputs['execution-id']).toBeUndefined()
    expect(ecs.calls.some((call) => JSON.stringify(call.params).includes('exec-foreign'))).toBe(
      false
    )
  })

  test('a given client-token answered with an older build: not ours, and if-running: fail says so', async () => {
    const { failure, state, ecs } = await step({ 'client-token': 'release-1' }, (world) => {
      const creation = new Date(world.clock.wall() - 3_600_000).toISOString()
      world.ecs.starts = ['exec-old']
      world.ecs.serverTime = () => world.clock.wall()
      world.ecs.polls.set('exec-old', [
        execution('exec-old', 'BUILDING', { creationTime: creation })
      ])
    })
    expect(failure).toMatch(
      /answered with execution exec-old \(BUILDING\), created at .* before this step's first start request: its ClientToken was used before/
    )
    expect(state.guard).toBeUndefined()
    expect(ecs.count('cancel')).toBe(0)
  })

  test('wait: waits for it to end, then starts its own build', async () => {
    const { failure, outputs, ecs } = await step({ 'if-running': 'wait' }, busy)
    expect(failure).toBeUndefined()
    expect(outputs['execution-id']).toBe('exec-new')
    expect(ecs.count('start')).toBe(2)
  })
})

describe('a cancelled run', () => {
  const signalOnPoll =
    (poll: number, signal = 'SIGINT') =>
    (world: ReturnType<typeof setUp>) => {
      builds('BUILDING')(world)
      world.ecs.onCall = (operation, calls) => {
        if (operation === 'get' && calls === poll) world.signals.emit(signal, signal)
      }
    }

  test('while waiting: the guarded build is cancelled once, and the post step stands down', async () => {
    const { failure, ecs, state, summaries } = await step({}, signalOnPoll(3))
    expect(failure).toContain('The workflow run was cancelled while waiting for execution exec-new')
    expect(failure).toContain('a cancel was requested')
    expect(ecs.count('cancel')).toBe(1)
    expect(state['cancel-requested']).toBe('true')
    expect(state.done).toBe('true')
    expect(summaries[0]).toContain('The workflow run was cancelled')
  })

  test('cancel-on-job-cancel: false leaves the build running', async () => {
    const { failure, ecs, state } = await step({ 'cancel-on-job-cancel': 'false' }, signalOnPoll(2))
    expect(failure).toContain('cancel-on-job-cancel is false')
    expect(ecs.count('cancel')).toBe(0)
    expect(state.guard).toBeUndefined()
  })

  test('during the start: the build is cancelled as soon as its ID is known', async () => {
    const { failure, ecs } = await step({}, (world) => {
      builds('BUILDING')(world)
      world.ecs.onCall = (operation) => {
        if (operation === 'start') world.signals.emit('SIGTERM', 'SIGTERM')
      }
    })
    expect(failure).toContain('cancelled')
    expect(ecs.count('cancel')).toBe(1)
    expect(ecs.calls.find((call) => call.operation === 'cancel')?.params).toEqual({
      executionId: 'exec-new'
    })
  })

  test('a cancel that fails leaves the backstop armed', async () => {
    const { ecs, state } = await step({}, (world) => {
      signalOnPoll(2)(world)
      world.ecs.cancels = [apiError('ServiceUnavailable', true)]
    })
    expect(ecs.count('cancel')).toBeGreaterThan(1)
    expect(state.done).toBeUndefined()
    expect(state['cancel-requested']).toBeUndefined()
  })
})

describe('best-effort look-ups have budgets of their own', () => {
  test('history that keeps failing is given up within its budget; the build still passes', async () => {
    const { failure, ecs, log } = await step({}, (world) => {
      builds('BUILDING', 'SUCCESS')(world)
      world.ecs.history = [apiError('ServiceUnavailable', true)]
    })
    expect(failure).toBeUndefined()
    const tries = ecs.calls.filter((call) => call.operation === 'list').length
    expect(tries).toBeGreaterThan(1)
    expect(tries).toBeLessThan(10)
    expect(log.at('debug').join('\n')).toContain('History not read')
  })

  test('a pipeline name that cannot be read leaves the summary with the ID alone', async () => {
    const { failure, ecs, summaries } = await step({}, (world) => {
      builds('SUCCESS')(world)
      world.ecs.pipelines = [apiError('Forbidden.RAM')]
    })
    expect(failure).toBeUndefined()
    expect(ecs.count('find')).toBe(1)
    expect(summaries[0]).toContain('| Pipeline | `ip-1` |')
  })
})

describe('bounded, whatever the API does', () => {
  const busyButEnded = (world: ReturnType<typeof setUp>) => {
    // The listing keeps showing the old build running; a look-up by ID says it ended.
    world.ecs.starts = [
      apiError('InvalidImagePipeline.HasRunningExecution', false, 'StartImagePipelineExecution')
    ]
    world.ecs.listings = [[execution('exec-old', 'BUILDING')]]
    world.ecs.polls.set('exec-old', [execution('exec-old', 'SUCCESS')])
  }

  test('if-running: wait against a stale listing keeps to the poll schedule and the deadline', async () => {
    const { failure, ecs, spentMs } = await step(
      { 'if-running': 'wait', timeout: '5m', 'poll-interval': '10s' },
      busyButEnded
    )
    expect(failure).toContain('Timed out waiting for')
    expect(failure).toContain('nothing was started')
    expect(ecs.count('start')).toBeLessThanOrEqual(31)
    expect(spentMs).toBeLessThanOrEqual(5 * 60_000)
    // Every start after a wait has a token of its own, derived from the first.
    const tokens = ecs.calls
      .filter((call) => call.operation === 'start')
      .map((call) => (call.params as { clientToken: string }).clientToken)
    expect(new Set(tokens).size).toBe(tokens.length)
    expect(tokens[1]).toMatch(/^gha-local-1-[0-9a-f]+-w1$/)
    for (const token of tokens) expect(token.length).toBeLessThanOrEqual(64)
  })

  test('a poll error that retrying cannot fix ends the wait as a time-out does', async () => {
    const { failure, ecs, state } = await step({}, (world) => {
      world.ecs.polls.set('exec-new', [
        execution('exec-new', 'BUILDING'),
        apiError('Forbidden.RAM', false, 'DescribeImagePipelineExecutions')
      ])
    })
    expect(failure).toContain('Polling execution exec-new failed')
    expect(failure).toContain('Forbidden.RAM')
    expect(failure).toContain('a cancel was requested')
    expect(ecs.count('cancel')).toBe(1)
    expect(state.done).toBe('true')
  })

  test('... and under on-timeout: leave, the build is left running', async () => {
    const { failure, ecs } = await step({ 'on-timeout': 'leave' }, (world) => {
      world.ecs.polls.set('exec-new', [apiError('Forbidden.RAM', false)])
    })
    expect(failure).toContain('left running (on-timeout: leave)')
    expect(ecs.count('cancel')).toBe(0)
  })

  test('a start that keeps failing with 5xx stops after a bounded number of attempts', async () => {
    const { failure, ecs, spentMs } = await step({ timeout: '1h' }, (world) => {
      world.ecs.starts = [apiError('ServiceUnavailable', true, 'StartImagePipelineExecution')]
    })
    expect(ecs.count('start')).toBe(6)
    expect(failure).toContain('6 attempts over')
    expect(failure).toContain('6× ServiceUnavailable')
    expect(spentMs).toBeLessThan(2 * 60_000)
  })

  test('a run cancelled while no start attempt can reach the service stops at once', async () => {
    const { failure, ecs, spentMs } = await step({}, (world) => {
      world.ecs.starts = [apiError('ECONNREFUSED', true, 'StartImagePipelineExecution')]
      world.ecs.onCall = (operation, calls) => {
        if (operation === 'start' && calls === 2) world.signals.emit('SIGINT', 'SIGINT')
      }
    })
    expect(failure).toContain('no attempt reached the service, so nothing was started')
    expect(ecs.count('start')).toBe(2)
    expect(ecs.count('cancel')).toBe(0)
    expect(spentMs).toBeLessThan(5_000)
  })

  test('wait: false, run cancelled during the start: the build is cancelled, the step fails', async () => {
    const { failure, ecs, state } = await step({ wait: 'false' }, (world) => {
      world.ecs.onCall = (operation) => {
        if (operation === 'start') world.signals.emit('SIGINT', 'SIGINT')
      }
    })
    expect(failure).toContain('was cancelled while execution exec-new was starting')
    expect(ecs.count('cancel')).toBe(1)
    expect(state.done).toBe('true')
  })

  test('outputs follow every poll: a time-out still reports the image and the last message', async () => {
    const { outputs } = await step({ timeout: '1h' }, (world) => {
      world.ecs.polls.set('exec-new', [
        execution('exec-new', 'BUILDING', { message: 'first' }),
        execution('exec-new', 'BUILDING', { message: 'second', imageId: 'm-9' })
      ])
    })
    expect(outputs.message).toBe('second')
    expect(outputs['image-id']).toBe('m-9')
  })
})
