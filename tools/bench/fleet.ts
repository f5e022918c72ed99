/**
 * A fleet of builds started by one push, all on one account whose rate quotas
 * they share: each run starts its build with the action's own start policy
 * (src/run/start.ts, throttled by a StartImagePipelineExecution quota), reads
 * history once and polls with the real wait loop (src/wait/), both drawing on
 * one DescribeImagePipelineExecutions quota; N runs on one virtual clock.
 * Printed by `npm run bench`, never asserted.
 */
import { ApiError } from '../../src/api/errors.js'
import { withRetry } from '../../src/api/retry.js'
import { startPolicy } from '../../src/run/start.js'
import type { Clock } from '../../src/clock.js'
import type { Execution } from '../../src/ecs/client.js'
import { silentLog } from '../../src/log.js'
import { type Build, statusAt } from './timeline.js'
import { FINAL_POLL_MS, waitForExecution } from '../../src/wait/wait.js'

const SECOND = 1000
const MINUTE = 60 * SECOND

/** One clock for the whole fleet: sleeps wake in time order. */
class FleetClock implements Clock {
  private time = 0
  private seq = 0
  private readonly queue: Array<{ at: number; seq: number; wake: () => void }> = []

  now(): number {
    return this.time
  }

  wall(): number {
    return this.time
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      const entry = { at: this.time + Math.max(0, ms), seq: this.seq++, wake }
      const index = this.queue.findIndex((e) => e.at > entry.at)
      this.queue.splice(index < 0 ? this.queue.length : index, 0, entry)
    })
  }

  /** Runs until nothing sleeps any more. */
  async drain(): Promise<void> {
    while (this.queue.length) {
      const next = this.queue.shift()!
      this.time = next.at
      next.wake()
      // Let the woken wait run up to its next sleep.
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
}

/** An account-wide quota: `perSecond` calls, bursts of `burst`. */
class TokenBucket {
  private tokens: number
  private last = 0
  calls = 0
  throttled = 0

  constructor(
    private readonly perSecond: number,
    private readonly burst: number
  ) {
    this.tokens = burst
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / SECOND) * this.perSecond)
    this.last = now
    this.calls++
    if (this.tokens >= 1) {
      this.tokens -= 1
      return true
    }
    this.throttled++
    return false
  }
}

interface FleetBuild extends Build {
  /** When the push started the run; and when its build started, once it did. */
  pushedAt: number
  startAt: number
}

/** A realistic 10-25 min build, started within the push's first 10 s. */
function fleetBuild(random: () => number): FleetBuild {
  const total = 10 * MINUTE + random() * 15 * MINUTE
  const preparing = 2 * MINUTE + random() * MINUTE
  const releasing = MINUTE + random() * MINUTE
  const phases = [
    { status: 'PREPARING', from: 0 },
    { status: 'BUILDING', from: preparing },
    { status: 'DISTRIBUTING', from: total - releasing - 2 * MINUTE },
    { status: 'RELEASING', from: total - releasing }
  ]
  const pushedAt = random() * 10 * SECOND
  return { pushedAt, startAt: pushedAt, phases, end: total, endStatus: 'SUCCESS' }
}

export interface FleetOptions {
  /** false stands for the schedule without any jitter (random fixed at 0.5). */
  jitter: boolean
  /** The quota: DescribeImagePipelineExecutions calls a second, account-wide. */
  perSecond: number
  /** The quota of StartImagePipelineExecution calls a second, account-wide. */
  startsPerSecond: number
  /** How many fleets of `n` to run, each from its own seed; their builds' lags are pooled. */
  fleets: number
}

export interface FleetResult extends FleetOptions {
  n: number
  /** Runs that could not start their build, and waits that did not see it end. */
  startFailures: number
  failures: number
  /** Calls per build, throttled ones included. */
  callsPerBuild: number
  throttledShare: number
  lagP50: number
  lagP90: number
  /** The worst lag in all fleets, and in the median fleet (a fleet's worst is one build's luck). */
  lagMax: number
  lagMaxMedianFleet: number
}

interface OneFleet {
  startFailures: number
  failures: number
  calls: number
  throttled: number
  lags: number[]
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

/** `fleets` fleets of `n` waits each, pooled: one fleet's p90 is too few builds to trust. */
export async function simulateFleet(
  n: number,
  options: FleetOptions,
  seeded: (seed: number) => () => number
): Promise<FleetResult> {
  const runs: OneFleet[] = []
  for (let k = 0; k < options.fleets; k++) runs.push(await oneFleet(n, k, options, seeded))
  const lags = runs.flatMap((r) => r.lags).sort((a, b) => a - b)
  const calls = runs.reduce((sum, r) => sum + r.calls, 0)
  return {
    n,
    ...options,
    startFailures: runs.reduce((sum, r) => sum + r.startFailures, 0),
    failures: runs.reduce((sum, r) => sum + r.failures, 0),
    callsPerBuild: calls / (n * options.fleets),
    throttledShare: runs.reduce((sum, r) => sum + r.throttled, 0) / calls,
    lagP50: percentile(lags, 0.5),
    lagP90: percentile(lags, 0.9),
    lagMax: lags[lags.length - 1],
    lagMaxMedianFleet: percentile(
      runs.map((r) => Math.max(...r.lags)).sort((a, b) => a - b),
      0.5
    )
  }
}

function throttling(operation = 'DescribeImagePipelineExecutions'): ApiError {
  return new ApiError({
    operation,
    code: 'Throttling.User',
    message: 'Request was denied due to user flow control.',
    transient: true,
    throttled: true
  })
}

const POLL = { pollIntervalMs: 10 * SECOND, maxPollIntervalMs: 60 * SECOND }

/** One fleet: `n` runs pushed within 10 s, two quotas, one virtual clock. */
async function oneFleet(
  n: number,
  k: number,
  { jitter, perSecond, startsPerSecond }: FleetOptions,
  seeded: (seed: number) => () => number
): Promise<OneFleet> {
  const random = seeded(1000 + n + 7919 * k)
  const clock = new FleetClock()
  const describe = new TokenBucket(perSecond, 5)
  const starts = new TokenBucket(startsPerSecond, startsPerSecond)
  const builds = Array.from({ length: n }, () => fleetBuild(random))
  const fleet: OneFleet = { startFailures: 0, failures: 0, calls: 0, throttled: 0, lags: [] }
  const runs = builds.map(async (build, index) => {
    await clock.sleep(build.pushedAt)
    const own = jitter ? seeded(index + 1 + 100_003 * k) : () => 0.5
    const deadline = build.pushedAt + 60 * MINUTE
    const started = await startBuild(clock, starts, own, deadline)
    if (started === undefined) return void fleet.startFailures++
    build.startAt = started
    await readHistory(clock, describe, own)
    const result = await waitForExecution({
      api: {
        getExecution: async ({ executionId }): Promise<Execution> => {
          if (!describe.take(clock.now())) throw throttling()
          return { executionId, status: statusAt(build, clock.now() - build.startAt), tags: [] }
        }
      },
      executionId: `exec-${index}`,
      clock,
      log: silentLog,
      deadline: deadline + FINAL_POLL_MS,
      startedAt: build.startAt,
      visibleFrom: build.startAt,
      schedule: { minMs: POLL.pollIntervalMs, maxMs: POLL.maxPollIntervalMs },
      random: own
    })
    if (result.end !== 'ended') fleet.failures++
    else fleet.lags.push((clock.now() - build.startAt - build.end) / SECOND)
  })
  await clock.drain()
  await Promise.all(runs)
  fleet.calls = describe.calls
  fleet.throttled = describe.throttled
  return fleet
}

/** The start, with the action's start policy; when it began, or undefined when it never did. */
async function startBuild(
  clock: FleetClock,
  starts: TokenBucket,
  random: () => number,
  deadline: number
): Promise<number | undefined> {
  try {
    await withRetry(
      'StartImagePipelineExecution',
      async () => {
        if (!starts.take(clock.now())) throw throttling('StartImagePipelineExecution')
      },
      { clock, log: silentLog, deadline, random, ...startPolicy(POLL) }
    )
    return clock.now()
  } catch {
    return undefined
  }
}

/** History: one listing call, best-effort within 10 s, as the action reads it. */
async function readHistory(
  clock: FleetClock,
  describe: TokenBucket,
  random: () => number
): Promise<void> {
  await withRetry(
    'DescribeImagePipelineExecutions',
    async () => {
      if (!describe.take(clock.now())) throw throttling()
    },
    { clock, log: silentLog, deadline: clock.now() + 10 * SECOND, random }
  ).catch(() => undefined)
}
