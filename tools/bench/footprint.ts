/**
 * The action's footprint: the bundle's sizes, the peak RSS of dist/index.js over
 * a real wait and under hostile answers (tools/hostile-memory.ts), and the heap
 * over a long virtual wait (tools/bench/long-wait.ts, in a process of its own).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { EcsEmulator, TEST_PIPELINE_ID } from '../emulator/server.js'
import { HOSTILE_CASES, runHostile } from '../hostile-memory.js'
import { emulatorInputs, errors, launch, ROOT } from '../launcher.js'
import { SECOND } from './reference.js'
import { type Baseline, BASELINE_COMMIT } from './baseline.js'
import { type Startup, STARTUP_RUNS } from './startup.js'

export interface Bundle {
  indexKb: number
  postKb: number
  /** The baseline's (tools/bench/baseline.ts), when this clone has it. */
  before?: { indexKb: number; postKb: number }
}

/** What tools/bench/long-wait.ts prints. */
interface LongWait {
  end: string
  /** The real client and loop over a 6-hour wait at a 1 s poll on a virtual clock. */
  polls: number
  heapStartMb: number
  heapByQuarterMb: number[]
  /** That run's peak RSS: unbundled modules, ~1,000 requests a second (a larger young generation). */
  compressedRssMb: number
}

interface PeakRss {
  realWaitSeconds: number
  realWaitPolls: number
  peakRssMb: number
}

/** Peak RSS under each answer of tools/hostile-memory.ts. */
interface Hostile {
  hostile: Array<{ where: string; name: string; peakMb: number; ended: string }>
}

export type Memory = PeakRss & LongWait & Hostile

export function bundleSizes(before?: Baseline): Bundle {
  return {
    indexKb: Math.round(statSync(join(ROOT, 'dist', 'index.js')).size / 1024),
    postKb: Math.round(statSync(join(ROOT, 'dist', 'post', 'index.js')).size / 1024),
    before: before && { indexKb: before.indexKb, postKb: before.postKb }
  }
}

/** Peak RSS of dist/index.js over a wait of about 30 s at a 1 s poll (real time). */
async function peakRss(): Promise<PeakRss> {
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

/** Runs build/tools/bench/long-wait.js against `host` and returns what it printed. */
function runLongWait(host: string, executionId: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', join(ROOT, 'build', 'tools', 'bench', 'long-wait.js'), host, executionId],
      { stdio: ['ignore', 'pipe', 'inherit'] }
    )
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`long-wait exited with ${code}`))
    )
  })
}

/**
 * Heap over a 6-hour wait at a 1 s poll, in a process of its own
 * (tools/bench/long-wait.ts): the real client and loop, real requests to the
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
    const output = await runLongWait(new URL(emulator.endpoint).host, execution.id)
    const result = JSON.parse(output) as LongWait
    if (result.end !== 'timed_out' || result.heapByQuarterMb.length !== 4) {
      throw new Error(`long-wait: ${output}`)
    }
    return result
  } finally {
    await emulator.stop()
  }
}

async function hostilePeaks(): Promise<Hostile> {
  const hostile: Hostile['hostile'] = []
  for (const one of HOSTILE_CASES) {
    const { result, peakMb } = await runHostile(one)
    const ended = result.outputs.status ?? (errors(result)[0] ?? '').slice(0, 60)
    hostile.push({ where: one.where, name: one.name, peakMb: Math.round(peakMb * 10) / 10, ended })
  }
  return { hostile }
}

export async function memory(): Promise<Memory> {
  return { ...(await peakRss()), ...(await longWaitHeap()), ...(await hostilePeaks()) }
}

function printStartup(start: Startup): void {
  console.log(
    `\nStart-up to the first API request, median of ${STARTUP_RUNS} interleaved rounds (node -e 0: ${start.nodeMs.toFixed(0)} ms):`
  )
  if (start.before) {
    console.log(
      `  ${`before (${BASELINE_COMMIT.slice(0, 7)}):`.padEnd(18)} ${start.before.actionMs.toFixed(0)} ms, ${start.before.ratio.toFixed(2)}x`
    )
  }
  console.log(`  ${'now:'.padEnd(18)} ${start.actionMs.toFixed(0)} ms, ${start.ratio.toFixed(2)}x`)
  console.log(
    `  ${'floor:'.padEnd(18)} ${start.floor.ms.toFixed(0)} ms, ${start.floor.ratio.toFixed(2)}x (tools/bench/floor.mjs: node:http, node:https, node:crypto and one request)`
  )
}

function printBundle(bundle: Bundle): void {
  const before = bundle.before
    ? `before (${BASELINE_COMMIT.slice(0, 7)}) ${bundle.before.indexKb} KiB and ${bundle.before.postKb} KiB, now `
    : ''
  console.log(
    `Bundle: dist/index.js and dist/post/index.js: ${before}${bundle.indexKb} KiB and ${bundle.postKb} KiB`
  )
}

export function printFootprint(start: Startup, bundle: Bundle, mem: Memory): void {
  printStartup(start)
  printBundle(bundle)
  console.log(
    `Memory: peak RSS ${mem.peakRssMb} MB (dist/index.js, a ${mem.realWaitSeconds} s wait at a 1 s poll, ${mem.realWaitPolls} polls, real time)`
  )
  console.log(
    `        heap after GC at each quarter of a 6-hour wait at a 1 s poll (${mem.polls} real requests, virtual clock): ${mem.heapByQuarterMb.join(', ')} MB (${mem.heapStartMb} MB before the first)`
  )
  console.log(
    `        that run's own peak RSS, ${mem.compressedRssMb} MB, is that of unbundled modules and a thousand requests a second (V8 grows its young generation for them), not the action's`
  )
  console.log(`        peak RSS under hostile answers (tools/hostile-memory.ts):`)
  for (const { where, name, peakMb } of mem.hostile)
    console.log(`          ${`${where} of ${name}:`.padEnd(52)} ${peakMb} MB`)
}
