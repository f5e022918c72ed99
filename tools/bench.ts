/**
 * `npm run bench`: how fast the end of a build is noticed and how many API calls
 * it costs, for several polling policies side by side, on the reference
 * timelines of bench/timelines.json under a virtual clock; plus the start-up
 * time, bundle size and memory of the action. Prints tables; writes JSON.
 *
 * Our policies run the real wait loop (src/wait.ts) against a simulated API.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Clock } from '../src/clock.js'
import { type Log, silentLog } from '../src/log.js'
import type { Execution } from '../src/ecs/client.js'
import { expectedEndWindow } from '../src/wait/schedule.js'
import { waitForExecution } from '../src/wait/wait.js'
import {
  EcsEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET,
  TEST_PIPELINE_ID
} from './emulator/server.js'
import { type FleetResult, simulateFleet } from './fleet.js'
import { type Build, statusAt } from './build-timeline.js'
import { emulatorInputs, launch, ROOT } from './launcher.js'

interface TimelineSpec {
  name: string
  about: string
  phases: Array<[string, number]>
  end: string
  jitter: number
  history: string
}
interface Reference {
  runsPerTimeline: number
  historySize: number
  timelines: TimelineSpec[]
}
interface Measure {
  calls: number
  lagMs: number
}

const SECOND = 1000
const reference = JSON.parse(
  readFileSync(join(ROOT, 'bench', 'timelines.json'), 'utf8')
) as Reference

/** mulberry32: a small seeded generator, so every run of the benchmark is the same. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function sample(spec: TimelineSpec, random: () => number): Build {
  let at = 0
  const phases = spec.phases.map(([status, seconds]) => {
    const from = at
    at += Math.round(seconds * SECOND * (1 + spec.jitter * (2 * random() - 1)))
    return { status, from }
  })
  return { phases, end: at, endStatus: spec.end }
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

type PolicyName =
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
const DEFAULT_POLICY: PolicyName = 'ours (default)'

interface Row {
  timeline: string
  policy: PolicyName
  calls: number
  meanLagS: number
  worstLagS: number
}

/** Every build's lag, per policy, across all timelines: for the standard error of the mean. */
const allLagsS = new Map<PolicyName, number[]>(POLICIES.map((p) => [p, []]))

/** A seed per timeline and run (FNV-1a of the name), so no two timelines share draws. */
function seedOf(name: string, run: number): number {
  let hash = 0x811c9dc5
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0
  return (hash + run * 0x9e3779b9) >>> 0
}

async function policies(): Promise<Row[]> {
  const rows: Row[] = []
  for (const spec of reference.timelines) {
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
    for (const [policy, measures] of results) {
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
  return rows
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length
}

/** Standard error of the mean. */
function standardError(values: number[]): number {
  const m = mean(values)
  const variance = values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1)
  return Math.sqrt(variance / values.length)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function timed(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  until?: () => number | undefined
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now() + performance.timeOrigin
    const child = spawn(command, args, { env: env as NodeJS.ProcessEnv, stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', () => {
      const first = until?.()
      resolve((first ?? performance.now() + performance.timeOrigin) - started)
    })
  })
}

const STARTUP_RUNS = 15

/** From process start to the first API request, against `node -e 0` on the same machine. */
async function startup(): Promise<{ nodeMs: number; actionMs: number; ratio: number }> {
  const emulator = new EcsEmulator()
  await emulator.start()
  const nodeRuns: number[] = []
  const actionRuns: number[] = []
  for (let i = 0; i < STARTUP_RUNS; i++) {
    nodeRuns.push(await timed(process.execPath, ['-e', '0'], { PATH: process.env.PATH }))
    const before = emulator.requests.length
    const env = {
      PATH: process.env.PATH,
      'INPUT_REGION-ID': 'cn-hangzhou',
      'INPUT_IMAGE-PIPELINE-ID': TEST_PIPELINE_ID,
      INPUT_ENDPOINT: emulator.endpoint,
      'INPUT_ACCESS-KEY-ID': TEST_ACCESS_KEY_ID,
      'INPUT_ACCESS-KEY-SECRET': TEST_ACCESS_KEY_SECRET,
      'INPUT_CLIENT-TOKEN': `bench-${i}-${Date.now()}`,
      INPUT_WAIT: 'false'
    }
    actionRuns.push(
      await timed(
        process.execPath,
        [join(ROOT, 'dist', 'index.js')],
        env,
        () => emulator.requests[before]?.at
      )
    )
  }
  await emulator.stop()
  const nodeMs = median(nodeRuns)
  const actionMs = median(actionRuns)
  return { nodeMs, actionMs, ratio: actionMs / nodeMs }
}

/** What tools/bench-memory.ts prints. */
interface LongWait {
  end: string
  /** The real client and loop over a 6-hour wait at a 1 s poll on a virtual clock. */
  polls: number
  heapStartMb: number
  heapByQuarterMb: number[]
  /** That run's peak RSS: unbundled modules, ~1,000 requests a second (a larger young generation). */
  compressedRssMb: number
}

/** Peak RSS of dist/index.js over a wait of about 30 s at a 1 s poll (real time). */
async function peakRss(): Promise<{
  realWaitSeconds: number
  realWaitPolls: number
  peakRssMb: number
}> {
  const seconds = 30
  const emulator = new EcsEmulator({
    defaultPlan: {
      steps: [
        { status: 'BUILDING', ms: (seconds - 2) * SECOND },
        { status: 'RELEASING', ms: 2 * SECOND }
      ]
    }
  })
  await emulator.start()
  const file = join(mkdtempSync(join(tmpdir(), 'bench-rss-')), 'max-rss')
  try {
    const result = await launch({
      inputs: emulatorInputs(emulator, { 'max-poll-interval': '1s' }),
      env: {
        NODE_OPTIONS: `--require ${join(ROOT, 'tools', 'max-rss.cjs')}`,
        MAX_RSS_FILE: file
      },
      timeoutMs: (seconds + 60) * SECOND
    })
    if (result.exitCode !== 0 || result.outputs.status !== 'SUCCESS') {
      throw new Error(`the action did not succeed: ${result.stdout}\n${result.stderr}`)
    }
    return {
      realWaitSeconds: seconds,
      realWaitPolls: emulator.calls('DescribeImagePipelineExecutions').length,
      peakRssMb: Math.round(Number(readFileSync(file, 'utf8')) / 102.4) / 10
    }
  } finally {
    await emulator.stop()
    rmSync(dirname(file), { recursive: true, force: true })
  }
}

/**
 * Heap over a 6-hour wait at a 1 s poll, in a process of its own
 * (tools/bench-memory.ts): the real client and loop, real requests to the
 * emulator, a virtual clock.
 */
async function longWaitHeap(): Promise<LongWait> {
  const emulator = new EcsEmulator()
  await emulator.start()
  try {
    // Building for longer than the real seconds the 21,600 requests take.
    const execution = emulator.seedExecution(TEST_PIPELINE_ID, {
      steps: [{ status: 'BUILDING', ms: 24 * 3600 * SECOND }]
    })
    const host = new URL(emulator.endpoint).host
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--expose-gc', join(ROOT, 'build', 'tools', 'bench-memory.js'), host, execution.id],
        { stdio: ['ignore', 'pipe', 'inherit'] }
      )
      let stdout = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.on('error', reject)
      child.on('exit', (code) =>
        code === 0 ? resolve(stdout) : reject(new Error(`bench-memory exited with ${code}`))
      )
    })
    const result = JSON.parse(output) as LongWait
    if (result.end !== 'timed_out' || result.heapByQuarterMb.length !== 4) {
      throw new Error(`bench-memory: ${output}`)
    }
    return result
  } finally {
    await emulator.stop()
  }
}

async function memory(): Promise<Awaited<ReturnType<typeof peakRss>> & LongWait> {
  return { ...(await peakRss()), ...(await longWaitHeap()) }
}

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((row) => row.map(String))]
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)))
  const line = (row: string[]): string =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`
  return [
    line(cells[0]),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...cells.slice(1).map(line)
  ].join('\n')
}

type Total = ReturnType<typeof totalsOf>[number]

interface Results {
  rows: Row[]
  totals: Total[]
  start: Awaited<ReturnType<typeof startup>>
  bundle: { indexKb: number; postKb: number; githubContextBytes: number }
  mem: Awaited<ReturnType<typeof memory>>
  fleet: FleetResult[]
}

function totalsOf(rows: Row[]) {
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

function printPolicies(rows: Row[], totals: Total[]): void {
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

function bundleSizes(): Results['bundle'] {
  return {
    indexKb: Math.round(statSync(join(ROOT, 'dist', 'index.js')).size / 1024),
    postKb: Math.round(statSync(join(ROOT, 'dist', 'post', 'index.js')).size / 1024),
    githubContextBytes: moduleBytes('node_modules/@actions/github/lib/context.js')
  }
}

/** The bytes one module takes in dist/index.js, from ncc's markers between modules. */
function moduleBytes(path: string): number {
  const source = readFileSync(join(ROOT, 'dist', 'index.js'), 'utf8')
  const start = source.indexOf(`// CONCATENATED MODULE: ./${path}`)
  if (start < 0) return 0
  const next = source.indexOf('// CONCATENATED MODULE:', start + 1)
  return (next < 0 ? source.length : next) - start
}

function printFootprint({ start, bundle, mem }: Results): void {
  console.log(
    `\nStart-up to the first API request: ${start.actionMs.toFixed(0)} ms (node -e 0: ${start.nodeMs.toFixed(0)} ms; ${start.ratio.toFixed(2)}x), median of ${STARTUP_RUNS}`
  )
  console.log(
    `Bundle: dist/index.js ${bundle.indexKb} KiB, dist/post/index.js ${bundle.postKb} KiB; @actions/github's Context in it: ${(bundle.githubContextBytes / 1024).toFixed(1)} KiB (its package entry would add about 245 KiB of Octokit)`
  )
  console.log(
    `Memory: peak RSS ${mem.peakRssMb} MB (dist/index.js, a ${mem.realWaitSeconds} s wait at a 1 s poll, ${mem.realWaitPolls} polls, real time)`
  )
  console.log(
    `        heap after GC at each quarter of a 6-hour wait at a 1 s poll (${mem.polls} real requests, virtual clock): ${mem.heapByQuarterMb.join(', ')} MB (${mem.heapStartMb} MB before the first)`
  )
  console.log(
    `        that run's own peak RSS, ${mem.compressedRssMb} MB, is that of unbundled modules and a thousand requests a second (V8 grows its young generation for them), not the action's`
  )
}

/** The targets of the polling issue, measured: printed, never asserted (timing is noisy). */
function targets({
  rows,
  totals,
  start,
  mem,
  bundle,
  fleet
}: Results): Array<{ target: string; measured: string; met: boolean | string }> {
  const ours = totals.find((t) => t.policy === DEFAULT_POLICY)!
  const fixed5 = totals.find((t) => t.policy === 'fixed 5s')!
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
  const worstOurs = Math.max(
    ...totals.filter((t) => t.policy.startsWith('ours')).map((t) => t.worstLagS)
  )
  const share = ours.calls / fixed5.calls
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
    },
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
    },
    ...fleetTargets(fleet),
    {
      target: 'all timelines: at most 1/3 of the calls of fixed 5s',
      measured: `${(share * 100).toFixed(0)}%`,
      met: share <= 1 / 3
    },
    {
      target: 'worst lag never above max-poll-interval (60 s)',
      measured: `${worstOurs.toFixed(0)} s`,
      met: worstOurs <= 60
    },
    {
      target: 'start-up within 3x of node -e 0',
      measured: `${start.ratio.toFixed(2)}x`,
      met: start.ratio <= 3
    },
    {
      target: 'peak memory under 100 MB, heap not growing',
      measured: `${mem.peakRssMb} MB; heap ${mem.heapByQuarterMb[0]} -> ${mem.heapByQuarterMb[3]} MB`,
      // Not growing: the last quarter's heap within 5% of the first's.
      met: mem.peakRssMb < 100 && mem.heapByQuarterMb[3] <= mem.heapByQuarterMb[0] * 1.05
    },
    {
      target: 'bundle under 3 MB',
      measured: `${bundle.indexKb} KiB`,
      met: bundle.indexKb < 3 * 1024
    }
  ]
}

function fleetTargets(fleet: FleetResult[]): ReturnType<typeof targets> {
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

function printTargets(goals: ReturnType<typeof targets>): void {
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

function save(results: Results, goals: ReturnType<typeof targets>): void {
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

const FLEETS = 8
const QUOTA = 1
/** The account's StartImagePipelineExecution quota (the hostile review's fleet ran on 2/s). */
const START_QUOTA = 2

async function fleets(): Promise<FleetResult[]> {
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
  return results
}

async function main(): Promise<void> {
  const rows = await policies()
  const totals = totalsOf(rows)
  printPolicies(rows, totals)
  const fleet = await fleets()
  const results: Results = {
    rows,
    totals,
    start: await startup(),
    bundle: bundleSizes(),
    mem: await memory(),
    fleet
  }
  printFootprint(results)
  const goals = targets(results)
  printTargets(goals)
  save(results, goals)
}

await main()
