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

export const STARTUP_RUNS = 15

export interface Startup {
  nodeMs: number
  actionMs: number
  ratio: number
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

/** From process start to the first API request, against `node -e 0` on the same machine. */
export async function startup(): Promise<Startup> {
  const emulator = new EcsEmulator()
  await emulator.start()
  const nodeRuns: number[] = []
  const actionRuns: number[] = []
  for (let i = 0; i < STARTUP_RUNS; i++) {
    nodeRuns.push(await timed(process.execPath, ['-e', '0'], { PATH: process.env.PATH }))
    const before = emulator.requests.length
    actionRuns.push(
      await timed(
        process.execPath,
        [join(ROOT, 'dist', 'index.js')],
        startEnv(emulator, i),
        () => emulator.requests[before]?.at
      )
    )
  }
  await emulator.stop()
  const nodeMs = median(nodeRuns)
  const actionMs = median(actionRuns)
  return { nodeMs, actionMs, ratio: actionMs / nodeMs }
}
