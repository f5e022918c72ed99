/**
 * The post step: the backstop for a cancelled run. If the main step started a
 * build, was told to guard it, and did not record that it ended or that a
 * cancel settled it (it was killed first, or its own cancel failed), cancel it
 * by ID with the routine the main step uses. Never fails the job.
 */
import { systemClock, type Clock } from '../clock.js'
import { type CredentialFactory, credentialsFor, maskSecrets } from '../credentials/factory.js'
import { cancelExecution } from '../ecs/cancel.js'
import { connectEcs, type EcsConnector } from '../ecs/connect.js'
import { describeError } from '../api/errors.js'
import { getSettings } from '../inputs/settings.js'
import { runnerLog, type Log } from '../log.js'
import { Secrets } from '../secrets.js'
import { actionsState, PostStepState, type StateStore } from '../state.js'

/** The post step's budget: GitHub gives a cancelled job's post steps little time. */
export const POST_CANCEL_BUDGET_MS = 25_000

export interface PostDependencies {
  clock: Clock
  state: StateStore
  log: Log
  secrets: Secrets
  env: Record<string, string | undefined>
  credentials: CredentialFactory
  connect: EcsConnector
}

export async function cleanup(overrides: Partial<PostDependencies> = {}): Promise<void> {
  const secrets = overrides.secrets ?? new Secrets()
  const deps: PostDependencies = {
    clock: systemClock,
    state: actionsState,
    log: runnerLog(secrets.scrub),
    secrets,
    env: process.env,
    credentials: credentialsFor,
    connect: connectEcs,
    ...overrides
  }
  const { clock, log } = deps
  const state = new PostStepState(deps.state).read()
  const executionId = state.executionId
  if (!executionId || !state.guarded || state.done) return
  if (state.cancelRequested) {
    log.info(`A cancel was already requested for execution ${executionId}.`)
    return
  }
  try {
    const settings = getSettings(deps.env)
    maskSecrets(settings.credentials, deps.secrets.add)
    const credentials = deps.credentials(settings, log, clock, deps.secrets.add)
    const client = deps.connect(settings, credentials, log)
    log.info(`The main step did not record an end for execution ${executionId}; cancelling it.`)
    const cancel = await cancelExecution(client, executionId, {
      clock,
      log,
      budgetMs: POST_CANCEL_BUDGET_MS
    })
    if (!cancel.settled) throw new Error(cancel.words)
    log.info(`Execution ${executionId}: ${cancel.words}.`)
  } catch (error) {
    log.warning(
      `Could not cancel execution ${executionId} after the run was cancelled: ${describeError(error)}. Cancel it in the ECS console.`
    )
  }
}
