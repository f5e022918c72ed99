/**
 * The polling policies side by side on the reference timelines: fixed
 * intervals, the AWS SDK waiter, and ours, which runs the real wait loop
 * (src/wait/wait.ts) against a simulated API under a virtual clock.
 */
import type { Clock } from '../../src/clock.js'
import type { Execution } from '../../src/ecs/client.js'
import { type Log, silentLog } from '../../src/log.js'
import { expectedEndWindow } from '../../src/wait/schedule.js'
import { waitForExecution } from '../../src/wait/wait.js'
import { reference, sample, SECOND, seeded, seedOf, type TimelineSpec } from './reference.js'
import { mean, standardError } from './stats.js'
import { table } from './table.js'
import { type Build, statusAt } from './timeline.js'

interface Measure {
  calls: number
  lagMs: number
}

export type PolicyName =
  | 'fixed 5s'
  | 'fixed 15s'
  | 'AWS waiter'
  | 'ours, history off'
  | 'ours (default)'
  | 'ours, poll-interval 8s'
/**
 * Ours as it ships (history on) is `ours (default)`. The last shows the trade-off
 * a user can make: a lower poll-interval buys lag with calls.
 */
const POLICIES: PolicyName[] = [
  'fixed 5s',
  'fixed 15s',
  'AWS waiter',
  'ours, history off',
  'ours (default)',
  'ours, poll-interval 8s'
]
export const DEFAULT_POLICY: PolicyName = 'ours (default)'

/** One policy on one timeline: the means over its runs, and the worst lag. */
export interface Row {
  timeline: string
  policy: PolicyName
  calls: number
  meanLagS: number
  worstLagS: number
}

/** One policy over all timelines. */
export interface Total {
  policy: PolicyName
  calls: number
  meanLagS: number
  lagStandardErrorS: number
  worstLagS: number
}

/** A policy that only needs the time of each poll: fixed intervals, the AWS SDK waiter. */
function simulateDelays(build: Build, nextDelay: (attempt: number) => number): Measure {
  let t = 0
  let calls = 0
  for (let attempt = 1; ; attempt++) {
    calls++
    if (t >= build.end) return { calls, lagMs: t - build.end }
    t += nextDelay(attempt)
  }
}

/** AWS SDK v3 waiters (util-waiter): min 15 s, max 120 s, exponential with jitter. */
function awsWaiterDelay(random: () => number): (attempt: number) => number {
  const min = 15
  const max = 120
  const ceiling = Math.log(max / min) / Math.log(2) + 1
  return (attempt) => {
    if (attempt > ceiling) return max * SECOND
    const delay = min * 2 ** (attempt - 1)
    return Math.round((min + random() * (delay - min)) * SECOND)
  }
}

const quiet: Log = silentLog

async function simulateOurs(
  build: Build,
  random: () => number,
  history?: number[],
  minMs = 10 * SECOND
): Promise<Measure> {
  let now = 0
  let calls = history ? 1 : 0 // the one history call
  const clock: Clock = { now: () => now, wall: () => now, sleep: async (ms) => void (now += ms) }
  const api = {
    getExecution: async ({ executionId }: { executionId: string }): Promise<Execution> => {
      calls++
      return { executionId, status: statusAt(build, now), tags: [] }
    }
  }
  const expectedEnd = history ? expectedEndWindow(history) : undefined
  await waitForExecution({
    api,
    executionId: 'exec-bench',
    clock,
    log: quiet,
    deadline: 24 * 3600 * SECOND,
    startedAt: 0,
    visibleFrom: 0,
    schedule: { minMs, maxMs: 60 * SECOND, expectedEnd },
    random
  })
  return { calls, lagMs: now - build.end }
}

/** Every policy on the runs of one timeline, each run from its own seed. */
async function timelineRuns(spec: TimelineSpec): Promise<Map<PolicyName, Measure[]>> {
  const historySpec = reference.timelines.find((t) => t.name === spec.history)!
  const results = new Map<PolicyName, Measure[]>(POLICIES.map((p) => [p, []]))
  for (let run = 0; run < reference.runsPerTimeline; run++) {
    const random = seeded(seedOf(spec.name, run))
    const build = sample(spec, random)
    const history = Array.from(
      { length: reference.historySize },
      () => sample(historySpec, random).end
    )
    results.get('fixed 5s')!.push(simulateDelays(build, () => 5 * SECOND))
    results.get('fixed 15s')!.push(simulateDelays(build, () => 15 * SECOND))
    results.get('AWS waiter')!.push(simulateDelays(build, awsWaiterDelay(random)))
    results.get('ours, history off')!.push(await simulateOurs(build, random))
    results.get('ours (default)')!.push(await simulateOurs(build, random, history))
    results
      .get('ours, poll-interval 8s')!
      .push(await simulateOurs(build, random, history, 8 * SECOND))
  }
  return results
}

/** Every policy on every timeline: a row for each pair, and a total for each policy. */
export async function policies(): Promise<{ rows: Row[]; totals: Total[] }> {
  const rows: Row[] = []
  /** Every build's lag, per policy, across all timelines: for the standard error of the mean. */
  const allLagsS = new Map<PolicyName, number[]>(POLICIES.map((p) => [p, []]))
  for (const spec of reference.timelines) {
    for (const [policy, measures] of await timelineRuns(spec)) {
      allLagsS.get(policy)!.push(...measures.map((m) => m.lagMs / SECOND))
      rows.push({
        timeline: spec.name,
        policy,
        calls: mean(measures.map((m) => m.calls)),
        meanLagS: mean(measures.map((m) => m.lagMs)) / SECOND,
        worstLagS: Math.max(...measures.map((m) => m.lagMs)) / SECOND
      })
    }
  }
  return { rows, totals: totalsOf(rows, allLagsS) }
}

function totalsOf(rows: Row[], allLagsS: Map<PolicyName, number[]>): Total[] {
  return POLICIES.map((policy) => {
    const mine = rows.filter((r) => r.policy === policy)
    return {
      policy,
      calls: mine.reduce((a, r) => a + r.calls, 0),
      meanLagS: mean(allLagsS.get(policy)!),
      lagStandardErrorS: standardError(allLagsS.get(policy)!),
      worstLagS: Math.max(...mine.map((r) => r.worstLagS))
    }
  })
}

export function printPolicies(rows: Row[], totals: Total[]): void {
  console.log(
    `Detection lag (s) and DescribeImagePipelineExecutions calls per build: mean of ${reference.runsPerTimeline} runs per timeline, poll-interval 10s, max-poll-interval 60s\n`
  )
  console.log(
    table(
      ['timeline', ...POLICIES.map((p) => `${p}: calls / lag mean / worst`)],
      reference.timelines.map((t) => [
        t.name,
        ...POLICIES.map((p) => {
          const r = rows.find((row) => row.timeline === t.name && row.policy === p)!
          return `${r.calls.toFixed(0)} / ${r.meanLagS.toFixed(1)} / ${r.worstLagS.toFixed(0)}`
        })
      ])
    )
  )
  console.log('')
  console.log(
    table(
      [
        'policy',
        'calls (all timelines)',
        'mean lag (s) ± standard error',
        'worst lag (s)',
        'calls vs fixed 5s'
      ],
      totals.map((t) => [
        t.policy,
        t.calls.toFixed(0),
        `${t.meanLagS.toFixed(2)} ± ${t.lagStandardErrorS.toFixed(2)}`,
        t.worstLagS.toFixed(0),
        `${((t.calls / totals[0].calls) * 100).toFixed(0)}%`
      ])
    )
  )
}
