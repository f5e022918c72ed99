/**
 * `npm run bench`: how fast the end of a build is noticed and how many API calls
 * it costs, for several polling policies side by side, on the reference
 * timelines of tools/bench/timelines.json under a virtual clock; a fleet of
 * builds on one account's quotas; plus the start-up time, bundle size and
 * memory of the action. Prints tables; writes JSON.
 *
 *   tools/bench/policies.ts    the policies, ours on the real wait loop
 *   tools/bench/fleet-runs.ts  the fleets (tools/bench/fleet.ts simulates one)
 *   tools/bench/startup.ts     start-up against `node -e 0`, now and before
 *   tools/bench/baseline.ts    the bundle before (from git)
 *   tools/bench/footprint.ts   bundle sizes and memory
 *   tools/bench/targets.ts     the targets, measured
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../launcher.js'
import { baseline } from './baseline.js'
import { fleets } from './fleet-runs.js'
import { bundleSizes, memory, printFootprint } from './footprint.js'
import { policies, printPolicies } from './policies.js'
import { type Startup, startup } from './startup.js'
import { type Measured, printTargets, type Target, targets } from './targets.js'

function save(results: Measured, goals: Target[]): void {
  const out = join(ROOT, 'build', 'bench-results.json')
  mkdirSync(join(ROOT, 'build'), { recursive: true })
  const { rows, totals, start, bundle, mem } = results
  writeFileSync(
    out,
    JSON.stringify(
      { node: process.version, rows, totals, startup: start, bundle, memory: mem, targets: goals },
      null,
      2
    ) + '\n'
  )
  console.log(`\nJSON: ${out}`)
}

async function main(): Promise<void> {
  const { rows, totals } = await policies()
  printPolicies(rows, totals)
  const fleet = await fleets()
  const before = baseline()
  let start: Startup
  try {
    start = await startup(before?.entry)
  } finally {
    before?.remove()
  }
  const results: Measured = {
    rows,
    totals,
    start,
    bundle: bundleSizes(before),
    mem: await memory(),
    fleet
  }
  printFootprint(results.start, results.bundle, results.mem)
  const goals = targets(results)
  printTargets(goals)
  save(results, goals)
}

await main()
