/**
 * The post step: the backstop for a cancelled run. If the main step started a
 * build, was told to guard it, and did not finish (killed before it could cancel),
 * cancel the build if it is still running. Never fails the job.
 */
import * as core from '@actions/core'
import { type Log } from './clock.js'
import { connect } from './connect.js'
import { maskSecrets } from './credentials.js'
import type { EcsClient } from './ecs.js'
import { describeError } from './errors.js'
import { getSettings } from './inputs.js'
import { coreLog } from './main.js'
import { actionsState, State, type StateStore } from './state.js'
import { isTerminal } from './status.js'

export interface CleanupRuntime {
  state: StateStore
  log: Log
  env: Record<string, string | undefined>
  connect: (settings: ReturnType<typeof getSettings>, log: Log) => EcsClient
}

export async function cleanup(overrides: Partial<CleanupRuntime> = {}): Promise<void> {
  const runtime: CleanupRuntime = {
    state: actionsState,
    log: coreLog,
    env: process.env,
    connect,
    ...overrides
  }
  const { state, log } = runtime
  const executionId = state.get(State.ExecutionId)
  if (!executionId || state.get(State.Guard) !== 'true' || state.get(State.Done) === 'true') return
  if (state.get(State.CancelRequested) === 'true') {
    log.info(`A cancel was already requested for execution ${executionId}.`)
    return
  }
  try {
    const settings = getSettings(runtime.env)
    maskSecrets(settings.credentials)
    const ecs = runtime.connect(settings, log)
    const execution = await ecs.getExecution({ executionId })
    if (!execution || isTerminal(execution.status) || execution.status === 'CANCELLING') {
      log.info(
        `Execution ${executionId} is ${execution?.status ?? 'not listed'}; nothing to cancel.`
      )
      return
    }
    await ecs.cancelExecution({ executionId })
    log.info(
      `The main step did not finish; cancelled execution ${executionId} (was ${execution.status}).`
    )
  } catch (error) {
    core.warning(
      `Could not cancel execution ${executionId} after the run was cancelled: ${describeError(error)}. Cancel it in the ECS console.`
    )
  }
}
