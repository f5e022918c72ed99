/** Shared set-up for the end-to-end tests: an emulator per test and the inputs that reach it. */
import { afterEach, beforeEach } from '@jest/globals'
import {
  type EmulatorOptions,
  EcsEmulator,
  TEST_ACCESS_KEY_SECRET,
  TEST_PIPELINE_ID
} from '../../tools/emulator/server.js'
import type { TimelineStep } from '../../tools/emulator/executions.js'
import {
  emulatorInputs,
  launch,
  type LaunchOptions,
  type LaunchResult
} from '../../tools/launcher.js'

/** A build of about 1.2 s: long enough for a few polls at a 1 s interval. */
export const QUICK_STEPS: TimelineStep[] = [
  { status: 'PREPARING', ms: 200, message: 'Creating the intermediate instance' },
  { status: 'BUILDING', ms: 500, message: 'Running build commands' },
  { status: 'DISTRIBUTING', ms: 300, message: 'Copying image' },
  { status: 'RELEASING', ms: 200, message: 'Releasing resources' }
]

export function useEmulator(options: EmulatorOptions = {}): () => EcsEmulator {
  let emulator: EcsEmulator
  beforeEach(async () => {
    emulator = new EcsEmulator({ defaultPlan: { steps: QUICK_STEPS }, ...options })
    await emulator.start()
  })
  afterEach(() => emulator.stop())
  return () => emulator
}

/** The inputs every end-to-end test starts from (tools/launcher.ts). */
export const baseInputs = emulatorInputs

export function run(
  emulator: EcsEmulator,
  overrides: Record<string, string> = {},
  options: Partial<LaunchOptions> = {}
): Promise<LaunchResult> {
  return launch({ inputs: baseInputs(emulator, overrides), ...options })
}

export const DEBUG = { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }
/** Aims a fault at the polls (a look-up by ExecutionId), not at the history listing before them. */
export const POLL = { action: 'DescribeImagePipelineExecutions', with: 'ExecutionId' } as const
export { TEST_ACCESS_KEY_SECRET, TEST_PIPELINE_ID }
