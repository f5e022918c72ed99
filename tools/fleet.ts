/**
 * A fleet of builds started by one push, all polling one account whose rate
 * quota they share: the real wait loop and schedule (src/wait/), N waits on one
 * virtual clock, and a token bucket for DescribeImagePipelineExecutions that
 * throttles as the service does. Printed by `npm run bench`, never asserted.
 */
import { ApiError } from '../src/api/errors.js'
import type { Clock } from '../src/clock.js'
import type { Execution } from '../src/ecs/client.js'
import { silentLog } from '../src/log.js'
import { waitForExecution } from '../src/wait/wait.js'

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

interface FleetBuild {
  startAt: number
  phases: Array<{ status: string; from: number }>
  end: number
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
  return { startAt: random() * 10 * SECOND, phases, end: total }
}

export interface FleetResult {
  n: number
  jitter: boolean
  failures: number
  calls: number
  throttledShare: number
  lagP50: number
  lagP90: number
  lagMax: number
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

/** One fleet of `n` waits; `jitter: false` stands for the schedule without any (random fixed at 0.5). */
export async function simulateFleet(
  n: number,
  jitter: boolean,
  seeded: (seed: number) => () => number
): Promise<FleetResult> {
  const random = seeded(1000 + n)
  const clock = new FleetClock()
  const bucket = new TokenBucket(1, 5)
  const builds = Array.from({ length: n }, () => fleetBuild(random))
  const lags: number[] = []
  let failures = 0
  const waits = builds.map(async (build, index) => {
    await clock.sleep(build.startAt)
    const result = await waitForExecution({
      api: {
        getExecution: async ({ executionId }): Promise<Execution> => {
          if (!bucket.take(clock.now()))
            throw new ApiError({
              operation: 'DescribeImagePipelineExecutions',
              code: 'Throttling.User',
              message: 'Request was denied due to user flow control.',
              transient: true,
              throttled: true
            })
          const t = clock.now() - build.startAt
          const status =
            t >= build.end
              ? 'SUCCESS'
              : [...build.phases].reverse().find((phase) => t >= phase.from)!.status
          return { executionId, status, tags: [] }
        }
      },
      executionId: `exec-${index}`,
      clock,
      log: silentLog,
      deadline: build.startAt + 60 * MINUTE,
      startedAt: build.startAt,
      schedule: { minMs: 10 * SECOND, maxMs: 60 * SECOND },
      random: jitter ? seeded(index + 1) : () => 0.5
    })
    if (result.end !== 'ended') failures++
    else lags.push((clock.now() - build.startAt - build.end) / SECOND)
  })
  await clock.drain()
  await Promise.all(waits)
  lags.sort((a, b) => a - b)
  return {
    n,
    jitter,
    failures,
    calls: bucket.calls,
    throttledShare: bucket.throttled / bucket.calls,
    lagP50: percentile(lags, 0.5),
    lagP90: percentile(lags, 0.9),
    lagMax: lags[lags.length - 1]
  }
}
