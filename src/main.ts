/**
 * The main step: binds the phases (run/run.ts) to the runner, and is the only
 * place that fails the step, once, with the action's name in front. Whatever it
 * writes (log, outputs, summary, the failure) is scrubbed of secrets and cut to
 * size here.
 */
import * as core from '@actions/core'
import { describeError } from './api/errors.js'
import { systemClock } from './clock.js'
import { ACTION_NAME } from './constants.js'
import { credentialsFor } from './credentials/factory.js'
import { connectEcs } from './ecs/connect.js'
import { runnerLog } from './log.js'
import type { Dependencies } from './run/context.js'
import { runMainStep } from './run/run.js'
import { Secrets } from './secrets.js'
import { actionsState } from './state.js'
import { capSummary, cut, forLog } from './untrusted.js'

export function runnerDependencies(secrets = new Secrets()): Dependencies {
  return {
    clock: systemClock,
    log: runnerLog(secrets.scrub),
    secrets,
    state: actionsState,
    env: process.env,
    signals: process,
    setOutput: (name, value) => core.setOutput(name, cut(secrets.scrub(value))),
    writeSummary: async (markdown) => {
      await core.summary.addRaw(capSummary(secrets.scrub(markdown))).write()
    },
    credentials: credentialsFor,
    connect: connectEcs
  }
}

export async function run(overrides: Partial<Dependencies> = {}): Promise<void> {
  const deps = { ...runnerDependencies(overrides.secrets), ...overrides }
  try {
    await runMainStep(deps)
  } catch (error) {
    core.setFailed(forLog(deps.secrets.scrub(`${ACTION_NAME}: ${describeError(error)}`)))
  }
}
