/**
 * The post step: the backstop. If the main step started a build, was told to
 * guard it, and did not record that it ended or that a cancel settled it (it
 * was killed first, or its own cancel failed), cancel it by ID with the
 * routine the main step uses, and say truthfully why. Never fails the job.
 */
import { describeError } from '../api/errors.js'
import { systemClock, type Clock } from '../clock.js'
import { cancelBuild } from '../ecs/cancel.js'
import { connectEcs, type EcsConnector } from '../ecs/connect.js'
import { withPolicy } from '../ecs/policy.js'
import { getSettings } from '../inputs/settings.js'
import type { Log } from '../log.js'
import type { Router } from '../net/exchange.js'
import { createRouter } from '../net/proxy.js'
import { chosenSource, type CredentialFactory } from '../run/context.js'
import { actionsRunner, runnerMask, type StateStore } from '../runner/runner.js'
import { Secrets } from '../secrets.js'
import { PostStepState, type PostStepFacts } from '../state.js'

/** The post step's budget: GitHub gives a cancelled job's post steps little time. */
export const POST_CANCEL_BUDGET_MS = 25_000

interface PostDependencies {
  clock: Clock
  stateStore: StateStore
  log: Log
  secrets: Secrets
  env: Record<string, string | undefined>
  route: Router
  makeProvider: CredentialFactory
  connect: EcsConnector
}

function postDependencies(overrides: Partial<PostDependencies>): PostDependencies {
  const secrets = overrides.secrets ?? new Secrets(runnerMask)
  const runner = actionsRunner(secrets)
  return {
    clock: systemClock,
    stateStore: runner.state,
    log: runner.log,
    secrets,
    env: process.env,
    route: overrides.route ?? createRouter(secrets.add),
    makeProvider: chosenSource,
    connect: connectEcs,
    ...overrides
  }
}

export async function cleanup(overrides: Partial<PostDependencies> = {}): Promise<void> {
  const deps = postDependencies(overrides)
  const facts = new PostStepState(deps.stateStore).read()
  const executionId = facts.executionId
  if (!executionId || !facts.guarded || facts.done) return
  if (facts.cancelRequested) {
    deps.log.info(`A cancel was already requested for execution ${executionId}.`)
    return
  }
  const why = whyHere(facts)
  if (facts.credentialsRefused) {
    deps.log.warning(
      `Execution ${executionId} may still be running (${why}), and the service refused this step's credentials (${facts.credentialsRefused}), which cannot be renewed, so the post step cannot cancel it either. Cancel it in the ECS console.`
    )
    return
  }
  let words: string
  try {
    deps.log.info(`Cancelling execution ${executionId}: ${why}.`)
    const cancel = await cancelWith(deps, executionId)
    if (cancel.settled) return deps.log.info(`Execution ${executionId}: ${cancel.words}.`)
    words = cancel.words
  } catch (error) {
    words = `${describeError(error)}; cancel it in the ECS console`
  }
  deps.log.warning(`Could not cancel execution ${executionId} (${why}): ${words}.`)
}

/** Why the post step has work: what the main step recorded, in words. */
function whyHere(facts: PostStepFacts): string {
  return facts.cancelFailed
    ? `the main step tried to cancel it and failed: ${facts.cancelFailed}`
    : 'the main step stopped before it recorded an end for the build (the run was cancelled, or the step was killed)'
}

async function cancelWith(deps: PostDependencies, executionId: string) {
  const { clock, log, secrets } = deps
  const settings = getSettings(deps.env)
  for (const secret of settings.credentialSource.secrets()) secrets.add(secret)
  const provider = deps.makeProvider(settings, {
    stsEndpoint: settings.stsEndpoint,
    metadataEndpoint: settings.metadataEndpoint,
    route: deps.route,
    log,
    clock,
    mask: secrets.add
  })
  const client = deps.connect(settings, provider, log, deps.route)
  const ecs = withPolicy(client, {
    clock,
    log,
    deadline: clock.now() + POST_CANCEL_BUDGET_MS,
    recover: [(error) => provider.refused(error)]
  })
  return cancelBuild(ecs, executionId, POST_CANCEL_BUDGET_MS)
}
