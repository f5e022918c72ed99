/**
 * The fleets `npm run bench` runs (tools/bench/fleet.ts): N of 10 to 200 on one
 * account's quotas, with and without jitter, and the fleet of 80 on larger
 * quotas; printed as a table.
 */
import { type FleetResult, simulateFleet } from './fleet.js'
import { seeded } from './reference.js'
import { table } from './table.js'

const FLEETS = 8
export const QUOTA = 1
/** The account's StartImagePipelineExecution quota (the hostile review's fleet ran on 2/s). */
export const START_QUOTA = 2

function printFleets(results: FleetResult[]): void {
  console.log(
    `\nA fleet sharing one account's quotas (${START_QUOTA} starts a second; DescribeImagePipelineExecutions calls a second, bursts of 5, for history and polls): N runs pushed within 10 s, each starting its build with the action's start policy, builds of 10-25 min, default intervals, the real wait loop on one virtual clock; ${FLEETS} fleets of each N, their builds pooled\n`
  )
  console.log(
    table(
      [
        'N',
        'quota',
        'schedule',
        'start failed',
        'wait failed',
        'calls per build',
        'throttled',
        'lag p50 / p90 (s)',
        'worst lag: median fleet / all (s)'
      ],
      results.map((r) => [
        r.n,
        `${r.perSecond}/s`,
        r.jitter ? 'ours' : 'no jitter (random fixed at 0.5)',
        r.startFailures,
        r.failures,
        r.callsPerBuild.toFixed(1),
        `${(r.throttledShare * 100).toFixed(0)}%`,
        `${r.lagP50.toFixed(1)} / ${r.lagP90.toFixed(1)}`,
        `${r.lagMaxMedianFleet.toFixed(1)} / ${r.lagMax.toFixed(1)}`
      ])
    )
  )
}

export async function fleets(): Promise<FleetResult[]> {
  const results: FleetResult[] = []
  for (const n of [10, 40, 80, 200])
    for (const jitter of [true, false])
      results.push(
        await simulateFleet(
          n,
          { jitter, perSecond: QUOTA, startsPerSecond: START_QUOTA, fleets: FLEETS },
          seeded
        )
      )
  // What quota the fleet-of-80 target needs.
  for (const perSecond of [1.5, 2])
    results.push(
      await simulateFleet(
        80,
        { jitter: true, perSecond, startsPerSecond: START_QUOTA, fleets: FLEETS },
        seeded
      )
    )
  printFleets(results)
  return results
}
