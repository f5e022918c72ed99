/**
 * `npm run bench`: how fast the end of a build is noticed and how many API calls
 * it costs, for several polling policies side by side, on the reference
 * timelines of bench/timelines.json under a virtual clock; plus the start-up
 * time, bundle size and memory of the action. Prints tables; writes JSON.
 *
 * Our policies run the real wait loop (src/wait.ts) against a simulated API.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Clock, Log } from '../src/clock.js'
import type { Execution } from '../src/ecs.js'
import { expectedEndWindow } from '../src/schedule.js'
import { waitForExecution } from '../src/wait.js'
import {
  EcsEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET,
  TEST_PIPELINE_ID
} from './emulator/server.js'
import { ROOT } from './launcher.js'

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
/** One simulated build: phase boundaries in ms from its start. */
interface Build {
  phases: Array<{ status: string; from: number }>
  end: number
  endStatus: string
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

function statusAt(build: Build, t: number): string {
  if (t >= build.end) return build.endStatus
  return [...build.phases].reverse().find((phase) => t >= phase.from)!.status
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

const quiet: Log = { debug: () => undefined, info: () => undefined, warning: () => undefined }

async function simulateOurs(
  build: Build,
  random: () => number,
  history?: number[],
  minMs = 10 * SECOND
): Promise<Measure> {
  let now = 0
  let calls = history ? 1 : 0 // the one history call
  const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) }
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
    schedule: { minMs, maxMs: 60 * SECOND, expectedEnd },
    random
  })
  return { calls, lagMs: now - build.end }
}

type PolicyName =
  | 'fixed 5s'
  | 'fixed 15s'
  | 'AWS waiter'
  | 'ours (default)'
  | 'ours + history'
  | 'ours + history, 8s min'
/** The last shows the trade-off: a lower poll-interval buys lag with calls. */
const POLICIES: PolicyName[] = [
  'fixed 5s',
  'fixed 15s',
  'AWS waiter',
  'ours (default)',
  'ours + history',
  'ours + history, 8s min'
]

interface Row {
  timeline: string
  policy: PolicyName
  calls: number
  meanLagS: number
  worstLagS: number
}

async function policies(): Promise<Row[]> {
  const rows: Row[] = []
  for (const spec of reference.timelines) {
    const historySpec = reference.timelines.find((t) => t.name === spec.history)!
    const results = new Map<PolicyName, Measure[]>(POLICIES.map((p) => [p, []]))
    for (let run = 0; run < reference.runsPerTimeline; run++) {
      const random = seeded(1000 * run + spec.name.length)
      const build = sample(spec, random)
      const history = Array.from(
        { length: reference.historySize },
        () => sample(historySpec, random).end
      )
      results.get('fixed 5s')!.push(simulateDelays(build, () => 5 * SECOND))
      results.get('fixed 15s')!.push(simulateDelays(build, () => 15 * SECOND))
      results.get('AWS waiter')!.push(simulateDelays(build, awsWaiterDelay(random)))
      results.get('ours (default)')!.push(await simulateOurs(build, random))
      results.get('ours + history')!.push(await simulateOurs(build, random, history))
      results
        .get('ours + history, 8s min')!
        .push(await simulateOurs(build, random, history, 8 * SECOND))
    }
    for (const [policy, measures] of results) {
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

/** From process start to the first API request, against `node -e 0` on the same machine. */
async function startup(): Promise<{ nodeMs: number; actionMs: number; ratio: number }> {
  const emulator = new EcsEmulator()
  await emulator.start()
  const nodeRuns: number[] = []
  const actionRuns: number[] = []
  for (let i = 0; i < 7; i++) {
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

/** Memory over a simulated 6-hour wait at a 1 s poll: the real loop, a simulated API. */
async function memory(): Promise<{
  polls: number
  peakRssMb: number
  heapStartMb: number
  heapEndMb: number
}> {
  const gc = (globalThis as { gc?: () => void }).gc
  let now = 0
  let polls = 0
  let peakRss = 0
  const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) }
  const end = 6 * 3600 * SECOND
  gc?.()
  const heapStart = process.memoryUsage().heapUsed
  await waitForExecution({
    api: {
      getExecution: async ({ executionId }) => {
        if (++polls % 1000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss)
        return {
          executionId,
          status: now >= end ? 'SUCCESS' : 'BUILDING',
          message: `poll ${polls}`,
          tags: []
        }
      }
    },
    executionId: 'exec-memory',
    clock,
    log: { debug: (m) => void m.length, info: quiet.info, warning: quiet.warning },
    deadline: end + 60 * SECOND,
    startedAt: 0,
    schedule: { minMs: SECOND, maxMs: SECOND }
  })
  gc?.()
  const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10
  return {
    polls,
    peakRssMb: mb(Math.max(peakRss, process.memoryUsage().rss)),
    heapStartMb: mb(heapStart),
    heapEndMb: mb(process.memoryUsage().heapUsed)
  }
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

const rows = await policies()
const totals = POLICIES.map((policy) => {
  const mine = rows.filter((r) => r.policy === policy)
  return {
    policy,
    calls: mine.reduce((a, r) => a + r.calls, 0),
    meanLagS: mean(mine.map((r) => r.meanLagS)),
    worstLagS: Math.max(...mine.map((r) => r.worstLagS))
  }
})
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
    ['policy', 'calls (all timelines)', 'mean lag (s)', 'worst lag (s)', 'calls vs fixed 5s'],
    totals.map((t) => [
      t.policy,
      t.calls.toFixed(0),
      t.meanLagS.toFixed(1),
      t.worstLagS.toFixed(0),
      `${((t.calls / totals[0].calls) * 100).toFixed(0)}%`
    ])
  )
)

const start = await startup()
const bundle = {
  indexKb: Math.round(statSync(join(ROOT, 'dist', 'index.js')).size / 1024),
  postKb: Math.round(statSync(join(ROOT, 'dist', 'post', 'index.js')).size / 1024)
}
const mem = await memory()
console.log(
  `\nStart-up to the first API request: ${start.actionMs.toFixed(0)} ms (node -e 0: ${start.nodeMs.toFixed(0)} ms; ${start.ratio.toFixed(2)}x), median of 7`
)
console.log(`Bundle: dist/index.js ${bundle.indexKb} KiB, dist/post/index.js ${bundle.postKb} KiB`)
console.log(
  `Memory over a simulated 6-hour wait at a 1 s poll (${mem.polls} polls): peak RSS ${mem.peakRssMb} MB; heap ${mem.heapStartMb} MB before, ${mem.heapEndMb} MB after`
)

const out = join(ROOT, 'build', 'bench-results.json')
mkdirSync(join(ROOT, 'build'), { recursive: true })
writeFileSync(
  out,
  JSON.stringify({ rows, totals, startup: start, bundle, memory: mem }, null, 2) + '\n'
)
console.log(`\nJSON: ${out}`)
