/**
 * The main step: binds the phases (run/run.ts) to the runner, and is the only
 * place that fails the step, once, with the action's name in front. Everything
 * it writes leaves through the one door to the runner (runner/runner.ts).
 */
import { describeError } from './api/errors.js'
import { systemClock } from './clock.js'
import { ACTION_NAME } from './constants.js'
import { connectEcs } from './ecs/connect.js'
import { createRouter } from './net/proxy.js'
import { chosenSource, type Dependencies } from './run/context.js'
import { runMainStep } from './run/run.js'
import { actionsRunner, runnerMask } from './runner/runner.js'
import { Secrets } from './secrets.js'

function runnerDependencies(secrets: Secrets): Dependencies {
  const runner = actionsRunner(secrets)
  return {
    clock: systemClock,
    log: runner.log,
    secrets,
    stateStore: runner.state,
    env: process.env,
    signals: process,
    setOutput: runner.setOutput,
    writeSummary: runner.writeSummary,
    route: createRouter(secrets.add),
    makeProvider: chosenSource,
    connect: connectEcs
  }
}

export async function run(overrides: Partial<Dependencies> = {}): Promise<void> {
  const secrets = overrides.secrets ?? new Secrets(runnerMask)
  const deps = { ...runnerDependencies(secrets), ...overrides }
  try {
    await runMainStep(deps)
  } catch (error) {
    actionsRunner(deps.secrets).fail(`${ACTION_NAME}: ${describeError(error)}`)
  }
}
