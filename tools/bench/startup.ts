/** Start-up: from process start to the first API request, against `node -e 0`. */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import {
  EcsEmulator,
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET,
  TEST_PIPELINE_ID
} from '../emulator/server.js'
import { ROOT } from '../launcher.js'
import { median } from './stats.js'

export const STARTUP_RUNS = 31

export interface Startup {
  nodeMs: number
  actionMs: number
  ratio: number
  /** The same measure, interleaved in the same rounds, for the baseline's bundle. */
  before?: { actionMs: number; ratio: number }
  /** tools/bench/floor.mjs: only node:http, node:https, node:crypto and one request. */
  floor: { ms: number; ratio: number }
}

/** How long a process takes: to its exit, or to the time `until` gives once it exited. */
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

/** The action's inputs for one start that does not wait. */
function startEnv(emulator: EcsEmulator, run: number): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    'INPUT_REGION-ID': 'cn-hangzhou',
    'INPUT_IMAGE-PIPELINE-ID': TEST_PIPELINE_ID,
    INPUT_ENDPOINT: emulator.endpoint,
    'INPUT_ACCESS-KEY-ID': TEST_ACCESS_KEY_ID,
    'INPUT_ACCESS-KEY-SECRET': TEST_ACCESS_KEY_SECRET,
    'INPUT_CLIENT-TOKEN': `bench-${run}-${Date.now()}`,
    INPUT_WAIT: 'false'
  }
}

/** One start of `entry`, to the first request the emulator sees. */
function toFirstRequest(emulator: EcsEmulator, entry: string, run: number): Promise<number> {
  const before = emulator.requests.length
  return timed(
    process.execPath,
    [entry],
    startEnv(emulator, run),
    () => emulator.requests[before]?.at
  )
}

/** One start of tools/bench/floor.mjs, to its request. */
function floor(emulator: EcsEmulator): Promise<number> {
  const before = emulator.requests.length
  return timed(
    process.execPath,
    [join(ROOT, 'tools', 'bench', 'floor.mjs')],
    { PATH: process.env.PATH, FLOOR_URL: emulator.endpoint },
    () => emulator.requests[before]?.at
  )
}

/**
 * From process start to the first API request, against `node -e 0` on the same
 * machine: `node -e 0`, the floor (tools/bench/floor.mjs), this dist/index.js and
 * the baseline's (when given) in turn, round after round, so that a machine's slow
 * moment falls on all of them.
 */
export async function startup(baselineEntry?: string): Promise<Startup> {
  const emulator = new EcsEmulator()
  await emulator.start()
  const nodeRuns: number[] = []
  const actionRuns: number[] = []
  const baselineRuns: number[] = []
  const floorRuns: number[] = []
  for (let i = 0; i < STARTUP_RUNS; i++) {
    nodeRuns.push(await timed(process.execPath, ['-e', '0'], { PATH: process.env.PATH }))
    floorRuns.push(await floor(emulator))
    actionRuns.push(await toFirstRequest(emulator, join(ROOT, 'dist', 'index.js'), 2 * i))
    if (baselineEntry) baselineRuns.push(await toFirstRequest(emulator, baselineEntry, 2 * i + 1))
  }
  await emulator.stop()
  const nodeMs = median(nodeRuns)
  const actionMs = median(actionRuns)
  const beforeMs = baselineEntry ? median(baselineRuns) : undefined
  return {
    nodeMs,
    actionMs,
    ratio: actionMs / nodeMs,
    floor: { ms: median(floorRuns), ratio: median(floorRuns) / nodeMs },
    before: beforeMs === undefined ? undefined : { actionMs: beforeMs, ratio: beforeMs / nodeMs }
  }
}
