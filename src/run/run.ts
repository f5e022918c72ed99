/**
 * The main step, as phases in the order they happen:
 * settings → credentials → pipeline → execution → wait → report.
 * A failure after the settings were read that no phase reported gets a
 * summary of its own (a refused start included).
 */
import { type ApiError, describeError } from '../api/errors.js'
import type { CredentialProvider } from '../credentials/provider.js'
import type { ProviderContext } from '../credentials/source.js'
import { cancelBuild } from '../ecs/cancel.js'
import { type Ecs, withPolicy } from '../ecs/policy.js'
import { getSettings, type Settings } from '../inputs/settings.js'
import { type ExchangeScope, withinScope } from '../net/exchange.js'
import { runLinks } from '../github.js'
import { PostStepState } from '../state.js'
import { RunCancellation } from './cancellation.js'
import { type Dependencies, ReportedFailure, type MainStep } from './context.js'
import { executionPhase } from './execution.js'
import { StepOutputs } from './outputs.js'
import { pipelinePhase } from './pipeline.js'
import { reportPhase, writeSummary } from './report.js'
import { waitPhase } from './waiting.js'

export async function runMainStep(deps: Dependencies): Promise<void> {
  const settings = settingsPhase(deps)
  // The role assumption counts inside timeout, as every request does.
  const startedAt = deps.clock.now()
  const deadline = startedAt + settings.timeoutMs
  const postStep = new PostStepState(deps.stateStore)
  const begun: Begun = { settings, startedAt, deadline, postStep, known: {} }
  try {
    const provider = await credentialsPhase(settings, deps, { clock: deps.clock, deadline })
    await stepPhases(deps, begun, provider)
  } catch (error) {
    if (!(error instanceof ReportedFailure)) await failureSummary(deps, begun, error)
    throw error
  }
}

/** The step once its settings are read: what it had reached, for a summary of a failure. */
interface Begun extends Pick<MainStep, 'settings' | 'startedAt' | 'deadline' | 'postStep'> {
  known: { pipelineId?: string; executionId?: string }
}

async function stepPhases(deps: Dependencies, begun: Begun, provider: CredentialProvider) {
  const { settings, postStep, known } = begun
  const { clock, log } = deps
  const client = deps.connect(settings, provider, log, deps.route)
  let ecs: Ecs | undefined
  const cancellation = new RunCancellation(deps.signals, log, async (executionId, budgetMs) => {
    const cancel = await cancelBuild(ecs!, executionId, budgetMs)
    recordCancel(deps, begun, provider, cancel)
    return cancel
  })
  try {
    const recover = [(error: ApiError) => provider.refused(error)]
    ecs = withPolicy(client, {
      clock,
      log,
      deadline: begun.deadline,
      signal: cancellation.signal,
      recover
    })
    const outputs = new StepOutputs(deps.setOutput, log)
    const step: MainStep = {
      ...begun,
      ecs,
      provider,
      clock,
      log,
      outputs,
      postStep,
      cancellation,
      writeSummary: deps.writeSummary
    }
    known.pipelineId = await pipelinePhase(step)
    const chosen = await executionPhase(step, known.pipelineId)
    known.executionId = chosen.executionId
    if (!settings.waitForEnd) return leaveRunning(step, chosen.executionId)
    const waited = await waitPhase(step, chosen, known.pipelineId)
    await reportPhase(step, chosen, known.pipelineId, waited)
  } finally {
    cancellation.dispose()
  }
}

/** At once, for the post step: the step may be killed before it reports. */
function recordCancel(
  deps: Dependencies,
  { postStep, settings }: Begun,
  provider: CredentialProvider,
  cancel: { settled: boolean }
): void {
  try {
    if (cancel.settled) postStep.cancelRequested()
    else if (provider.dead && !settings.credentialSource.renewable)
      postStep.credentialsRefused(provider.dead.code)
  } catch (error) {
    deps.log.warning(describeError(error))
  }
}

/** wait: false. A run cancelled while the build was starting cancels it all the same. */
async function leaveRunning(step: MainStep, executionId: string): Promise<void> {
  const cancel = step.cancellation.cancelled ? await step.cancellation.outcome() : undefined
  if (cancel) {
    if (cancel.settled) step.postStep.done()
    else step.postStep.execution(executionId, true)
    throw new Error(
      `The workflow run was cancelled while execution ${executionId} was starting; ${cancel.words}.`
    )
  }
  step.log.info(
    `wait is false: execution ${executionId} goes on without this step. Wait for it in a later step with execution-id: ${executionId}`
  )
  step.postStep.done()
}

/** Every input, validated before any request; every secret masked before anything is logged. */
function settingsPhase(deps: Dependencies): Settings {
  const settings = getSettings(deps.env)
  for (const secret of settings.credentialSource.secrets()) deps.secrets.add(secret)
  deps.log.info(
    `Region ${settings.regionId}, endpoint ${settings.ecsEndpoint.protocol}://${settings.ecsEndpoint.host}, credentials: ${settings.credentialSource.describe()}`
  )
  return settings
}

/** The provider; a source whose first keys take a request gets them first, so a trust problem is the first thing reported. */
async function credentialsPhase(
  settings: Settings,
  deps: Dependencies,
  scope: ExchangeScope
): Promise<CredentialProvider> {
  const context: ProviderContext = {
    stsEndpoint: settings.stsEndpoint,
    metadataEndpoint: settings.metadataEndpoint,
    route: deps.route,
    log: deps.log,
    clock: deps.clock,
    mask: deps.secrets.add
  }
  const provider = deps.makeProvider(settings, context)
  const title = settings.credentialSource.obtainTitle
  if (title) await deps.log.group(title, () => withinScope(scope, () => provider.getCredential()))
  return provider
}

async function failureSummary(deps: Dependencies, begun: Begun, error: unknown): Promise<void> {
  const { settings, known } = begun
  await writeSummary(deps, {
    conclusion: known.executionId ? 'failed' : 'could-not-start',
    pipelineId: known.pipelineId ?? settings.pipelineId,
    pipelineName: settings.pipelineName,
    regionId: settings.regionId,
    executionId: known.executionId,
    durationMs: deps.clock.now() - begun.startedAt,
    failure: describeError(error),
    links: runLinks(settings.origin),
    timeline: []
  })
}
