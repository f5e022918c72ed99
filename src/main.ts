/**
 * The main step: binds the phases (run/run.ts) to the runner, and is the only
 * place that fails the step, once, with the action's name in front.
 */
import * as core from '@actions/core'
import { describeError } from './api/errors.js'
import { systemClock } from './clock.js'
import { ACTION_NAME } from './constants.js'
import { credentialsFor } from './credentials/factory.js'
import { connectEcs } from './ecs/connect.js'
import { coreLog } from './log.js'
import type { Dependencies } from './run/context.js'
import { runMainStep } from './run/run.js'
import { actionsState } from './state.js'

export function runnerDependencies(): Dependencies {
  return {
    clock: systemClock,
    log: coreLog,
    state: actionsState,
    env: process.env,
    signals: process,
    setOutput: (name, value) => core.setOutput(name, value),
    writeSummary: async (markdown) => {
      await core.summary.addRaw(markdown).write()
    },
    credentials: credentialsFor,
    connect: connectEcs
  }
}

export async function run(overrides: Partial<Dependencies> = {}): Promise<void> {
  try {
    await runMainStep({ ...runnerDependencies(), ...overrides })
  } catch (error) {
    core.setFailed(`${ACTION_NAME}: ${describeError(error)}`)
  }
}
