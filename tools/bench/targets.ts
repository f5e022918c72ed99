/** The targets of the polling issue, measured: printed, never asserted (timing is noisy). */
import type { FleetResult } from './fleet.js'
import { QUOTA, START_QUOTA } from './fleet-runs.js'
import type { Bundle, Memory } from './footprint.js'
import { DEFAULT_POLICY, type PolicyName, type Row, type Total } from './policies.js'
import { reference } from './reference.js'
import { mean } from './stats.js'
import type { Startup } from './startup.js'
import { table } from './table.js'

export interface Target {
  target: string
  measured: string
  met: boolean | string
}

/** What the targets are measured on. */
export interface Measured {
  rows: Row[]
  totals: Total[]
  start: Startup
  bundle: Bundle
  mem: Memory
  fleet: FleetResult[]
}

export function targets({ rows, totals, start, mem, bundle, fleet }: Measured): Target[] {
  return [
    ...againstOthers(rows),
    ...lagTargets(rows, totals),
    ...fleetTargets(fleet),
    ...callTargets(totals),
    ...footprintTargets(start, mem, bundle)
  ]
}

/** Ours (default) against another policy, timeline by timeline. */
function againstOthers(rows: Row[]): Target[] {
  const perTimeline = (other: PolicyName, better: (mine: Row, theirs: Row) => boolean): string[] =>
    reference.timelines
      .map((t) => t.name)
      .filter((name) => {
        const mine = rows.find((r) => r.timeline === name && r.policy === DEFAULT_POLICY)!
        const theirs = rows.find((r) => r.timeline === name && r.policy === other)!
        return !better(mine, theirs)
      })
  const fewerCalls = perTimeline('fixed 15s', (mine, theirs) => mine.calls < theirs.calls)
  const lessLag = perTimeline('AWS waiter', (mine, theirs) => mine.meanLagS < theirs.meanLagS)
  const but = (missed: string[]): string => (missed.length ? `not on ${missed.join(', ')}` : 'all')
  return [
    {
      target: 'every timeline: fewer calls than fixed 15s',
      measured: but(fewerCalls),
      met: fewerCalls.length === 0
    },
    {
      target: 'every timeline: lower mean lag than the AWS waiter',
      measured: but(lessLag),
      met: lessLag.length === 0
    }
  ]
}

/** The share of the calls of fixed 5s that ours (default) makes. */
function shareOfFixed5(totals: Total[]): number {
  const ours = totals.find((t) => t.policy === DEFAULT_POLICY)!
  const fixed5 = totals.find((t) => t.policy === 'fixed 5s')!
  return ours.calls / fixed5.calls
}

/** The mean lag of ours (default): on successful ends, and on failures from a running phase. */
function lagTargets(rows: Row[], totals: Total[]): Target[] {
  const share = shareOfFixed5(totals)
  const successTimelines = new Set(
    reference.timelines.filter((spec) => spec.end === 'SUCCESS').map((spec) => spec.name)
  )
  const successRows = rows.filter(
    (r) => r.policy === DEFAULT_POLICY && successTimelines.has(r.timeline)
  )
  const successLag = mean(successRows.map((r) => r.meanLagS))
  const failLags = rows.filter(
    (r) => r.policy === DEFAULT_POLICY && r.timeline.startsWith('fails-in-')
  )
  return [
    {
      // With polls at least poll-interval apart, poll-interval / 2 is the floor of
      // the mean lag unless the end is known to within one interval: 5 s at 10 s,
      // and a little more with jitter at the minimum (issue: jitter on every delay).
      target: 'successful ends: mean lag within 5 s',
      measured: `${successLag.toFixed(2)} s`,
      met:
        successLag <= 5
          ? true
          : successLag <= 5.5
            ? 'at the floor (poll-interval / 2, plus jitter)'
            : false
    },
    {
      // The API reference does not say every build ends through RELEASING. A
      // failure nothing foretells lands anywhere between two polls: its mean lag
      // is at least half the mean interval, and 20% of a 5 s poller's calls are
      // 25 s intervals on average, so 12.5 s unless some phases are polled more
      // densely than others (and failures late in those others noticed later).
      target:
        'failures straight from a running phase: mean lag within 10 s each, at 20% of the calls of fixed 5s',
      measured: `${failLags.map((r) => `${r.timeline} ${r.meanLagS.toFixed(1)} s`).join(', ')}; ${(share * 100).toFixed(0)}% of the calls`,
      met:
        failLags.length > 0 && failLags.every((r) => r.meanLagS <= 10) && share <= 0.2
          ? true
          : 'no: at 20% of the calls, 12.5 s is the floor for a failure nothing foretells'
    }
  ]
}

function fleetTargets(fleet: FleetResult[]): Target[] {
  const at = (n: number, perSecond = QUOTA) =>
    fleet.find((r) => r.n === n && r.jitter && r.perSecond === perSecond)!
  const met80 = (r: FleetResult) => r.failures === 0 && r.lagP90 <= 15 && r.lagMaxMedianFleet <= 60
  const figures = (r: FleetResult) =>
    `${r.failures} failed; p90 ${r.lagP90.toFixed(1)} s, max ${r.lagMaxMedianFleet.toFixed(1)} s (median fleet; ${r.lagMax.toFixed(1)} s in all ${r.fleets})`
  // Each running build polls at least once per max-poll-interval (the SPEC's
  // longest delay between two polls): 80 builds ask at least 80/60 calls a second.
  const floor = 80 / 60
  return [
    {
      target: `fleet of 80 on one quota of ${QUOTA}/s: no failures, lag p90 within 15 s, max within 60 s`,
      measured: `${figures(at(80))} (80 builds polling at least every 60 s ask ${floor.toFixed(2)} calls/s, more than the quota, before any poll near an end; at 2/s: ${figures(at(80, 2))})`,
      met: met80(at(80)) ? true : met80(at(80, 2)) ? 'no: only with a quota of 2/s' : false
    },
    {
      target: `fleets on one quota (${START_QUOTA} starts/s): no start fails, at any N`,
      measured: fleet
        .filter((r) => r.jitter)
        .map((r) => `N ${r.n} on ${r.perSecond}/s: ${r.startFailures}`)
        .join('; '),
      met: fleet.every((r) => r.startFailures === 0)
    },
    {
      target: 'fleet of 200 on one quota: no failures',
      measured: `${at(200).startFailures} could not start, ${at(200).failures} waits failed`,
      met: at(200).failures === 0 && at(200).startFailures === 0
    }
  ]
}

/** Calls and the worst lag, over all timelines. */
function callTargets(totals: Total[]): Target[] {
  const share = shareOfFixed5(totals)
  const worstOurs = Math.max(
    ...totals.filter((t) => t.policy.startsWith('ours')).map((t) => t.worstLagS)
  )
  return [
    {
      target: 'all timelines: at most 1/3 of the calls of fixed 5s',
      measured: `${(share * 100).toFixed(0)}%`,
      met: share <= 1 / 3
    },
    {
      target: 'worst lag never above max-poll-interval (60 s)',
      measured: `${worstOurs.toFixed(0)} s`,
      met: worstOurs <= 60
    }
  ]
}

/** Met, or why not: on another Node, or no slower than the floor allows on this machine. */
function startupMet(start: Startup): boolean | string {
  if (!process.version.startsWith('v24.')) return 'n/a: the target is for Node 24'
  if (start.ratio <= 2.2) return true
  return start.ratio <= start.floor.ratio * 1.05 ? 'no: within 5% of the floor' : false
}

function footprintTargets(start: Startup, mem: Memory, bundle: Bundle): Target[] {
  return [
    {
      // Issue 22: the fastest peer (Azure/login) exits at 2.04x on this measure.
      target: 'start-up to the first request at most 2.2x node -e 0 (on Node 24)',
      measured: `${start.ratio.toFixed(2)}x (floor ${start.floor.ratio.toFixed(2)}x)`,
      met: startupMet(start)
    },
    {
      target: 'peak memory under 100 MB, heap not growing',
      measured: `${mem.peakRssMb} MB; heap ${mem.heapByQuarterMb[0]} -> ${mem.heapByQuarterMb[3]} MB`,
      // Not growing: the last quarter's heap within 5% of the first's.
      met: mem.peakRssMb < 100 && mem.heapByQuarterMb[3] <= mem.heapByQuarterMb[0] * 1.05
    },
    {
      target: 'peak memory under 100 MB whatever the service sends (SPEC "Bounds")',
      measured: `at most ${Math.max(...mem.hostile.map((one) => one.peakMb))} MB over ${mem.hostile.length} hostile answers and listings`,
      met: mem.hostile.every((one) => one.peakMb < 100)
    },
    {
      target: 'bundle under 3 MB',
      measured: `${bundle.indexKb} KiB`,
      met: bundle.indexKb < 3 * 1024
    }
  ]
}

export function printTargets(goals: Target[]): void {
  console.log(
    `\nTargets (default: history on, poll-interval 10s, max-poll-interval 60s; on ${process.version}):\n`
  )
  console.log(
    table(
      ['target', 'measured', 'met'],
      goals.map((g) => [g.target, g.measured, g.met === true ? 'yes' : g.met || 'no'])
    )
  )
}
