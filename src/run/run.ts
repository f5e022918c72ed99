/**
 * The main step, as phases in the order they happen:
 * settings → credentials → pipeline → execution → wait → report.
 */
import { describeCredentials, maskSecrets } from '../credentials/factory.js'
import type { CredentialProvider } from '../credentials/provider.js'
import { cancelExecution } from '../ecs/cancel.js'
import { withPolicy } from '../ecs/policy.js'
import { getSettings, type Settings } from '../inputs/settings.js'
import { PostStepState } from '../state.js'
import { RunCancellation } from './cancellation.js'
import { type Dependencies, type Run, StepFailure } from './context.js'
import { executionPhase } from './execution.js'
import { StepOutputs } from './outputs.js'
import { pipelinePhase } from './pipeline.js'
import { reportPhase } from './report.js'
import { waitPhase } from './waiting.js'

export async function runMainStep(deps: Dependencies): Promise<void> {
  const settings = settingsPhase(deps)
  // The role assumption counts inside timeout, as every request does.
  const startedAt = deps.clock.now()
  const deadline = startedAt + settings.timeoutMs
  const credentials = await credentialsPhase(settings, deps)
  const { clock, log } = deps
  const client = deps.connect(settings, credentials, log)
  const state = new PostStepState(deps.state)
  const cancellation = new RunCancellation(deps.signals, log, async (executionId, budgetMs) => {
    const cancel = await cancelExecution(client, executionId, { clock, log, budgetMs })
    // At once: the step may be killed before it reports.
    if (cancel.settled) state.cancelRequested()
    return cancel
  })
  try {
    const ecs = withPolicy(client, {
      clock,
      log,
      deadline,
      signal: cancellation.signal
    })
    const run: Run = {
      settings,
      ecs,
      clock,
      log,
      outputs: new StepOutputs(deps.setOutput),
      state,
      cancellation,
      writeSummary: deps.writeSummary,
      startedAt,
      deadline
    }
    await buildPhases(run)
  } finally {
    cancellation.dispose()
  }
}

async function buildPhases(run: Run): Promise<void> {
  const pipelineId = await pipelinePhase(run)
  const chosen = await executionPhase(run, pipelineId)
  if (!run.settings.wait) return leaveRunning(run, chosen.executionId)
  const waited = await waitPhase(run, chosen, pipelineId)
  await reportPhase(run, chosen, pipelineId, waited)
}

/** wait: false. A run cancelled while the build was starting cancels it all the same. */
async function leaveRunning(run: Run, executionId: string): Promise<void> {
  const cancel = run.cancellation.cancelled ? await run.cancellation.outcome() : undefined
  if (cancel) {
    if (cancel.settled) run.state.done()
    else run.state.execution(executionId, true)
    throw new StepFailure(
      `The workflow run was cancelled while execution ${executionId} was starting; ${cancel.words}.`
    )
  }
  run.log.info(
    `wait is false: execution ${executionId} goes on without this step. Wait for it in a later step with execution-id: ${executionId}`
  )
  run.state.done()
}

/** Every input, validated before any request; every secret masked before anything is logged. */
function settingsPhase(deps: Dependencies): Settings {
  const settings = getSettings(deps.env)
  maskSecrets(settings.credentials, deps.secrets.add)
  deps.log.info(
    `Region ${settings.regionId}, endpoint ${settings.endpoint.protocol}://${settings.endpoint.host}, credentials: ${describeCredentials(settings.credentials)}`
  )
  return settings
}

async function credentialsPhase(
  settings: Settings,
  deps: Dependencies
): Promise<CredentialProvider> {
  const credentials = deps.credentials(settings, deps.log, deps.clock, deps.secrets.add)
  if (settings.credentials.kind === 'oidc') {
    // Assume the role before anything else, so a trust-policy problem is the first thing reported.
    await deps.log.group('Assuming the RAM role with OIDC', () => credentials.getCredential())
  } else if (settings.credentials.kind === 'ecs-ram-role') {
    await deps.log.group("Getting the instance's RAM role credentials", () =>
      credentials.getCredential()
    )
  }
  return credentials
}
