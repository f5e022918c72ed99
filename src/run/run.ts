/**
 * The main step, as phases in the order they happen:
 * settings → credentials → pipeline → execution → wait → report.
 * A failure after the settings were read that no phase reported gets a
 * summary of its own (a refused start included).
 */
import { describeError } from '../api/errors.js'
import type { CredentialProvider } from '../credentials/provider.js'
import type { ProviderContext } from '../credentials/source.js'
import { cancelExecution } from '../ecs/cancel.js'
import { type Ecs, withPolicy } from '../ecs/policy.js'
import { getSettings, type Settings } from '../inputs/settings.js'
import { type ExchangeScope, withinScope } from '../net/exchange.js'
import { runLinks } from '../github.js'
import { PostStepState } from '../state.js'
import { RunCancellation } from './cancellation.js'
import { type Dependencies, ReportedFailure, type Run } from './context.js'
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
  const state = new PostStepState(deps.state)
  const run = { settings, startedAt, deadline, state, known: {} as Known }
  try {
    const credentials = await credentialsPhase(settings, deps, { clock: deps.clock, deadline })
    await stepPhases(deps, run, credentials)
  } catch (error) {
    if (!(error instanceof ReportedFailure)) await failureSummary(deps, run, error)
    throw error
  }
}

/** What the step had reached when it failed, for a summary of the failure. */
interface Known {
  pipelineId?: string
  executionId?: string
}

async function stepPhases(
  deps: Dependencies,
  {
    settings,
    startedAt,
    deadline,
    state,
    known
  }: Pick<Run, 'settings' | 'startedAt' | 'deadline' | 'state'> & { known: Known },
  credentials: CredentialProvider
): Promise<void> {
  const { clock, log } = deps
  const client = deps.connect(settings, credentials, log, deps.route)
  let ecs: Ecs | undefined
  const cancellation = new RunCancellation(deps.signals, log, async (executionId, budgetMs) => {
    const cancel = await cancelExecution(ecs!, executionId, budgetMs)
    recordCancel(deps, state, settings, credentials, cancel)
    return cancel
  })
  try {
    ecs = withPolicy(client, {
      clock,
      log,
      deadline,
      signal: cancellation.signal,
      recover: [(error) => credentials.refused(error)]
    })
    const outputs = new StepOutputs(deps.setOutput, log)
    const run: Run = {
      settings,
      ecs,
      credentials,
      clock,
      log,
      outputs,
      state,
      cancellation,
      writeSummary: deps.writeSummary,
      startedAt,
      deadline
    }
    known.pipelineId = await pipelinePhase(run)
    const chosen = await executionPhase(run, known.pipelineId)
    known.executionId = chosen.executionId
    if (!settings.wait) return leaveRunning(run, chosen.executionId)
    const waited = await waitPhase(run, chosen, known.pipelineId)
    await reportPhase(run, chosen, known.pipelineId, waited)
  } finally {
    cancellation.dispose()
  }
}

/** At once, for the post step: the step may be killed before it reports. */
function recordCancel(
  deps: Dependencies,
  state: PostStepState,
  settings: Settings,
  credentials: CredentialProvider,
  cancel: { settled: boolean }
): void {
  try {
    if (cancel.settled) state.cancelRequested()
    else if (credentials.dead && !settings.credentials.renewable)
      state.credentialsRefused(credentials.dead.code)
  } catch (error) {
    deps.log.warning(describeError(error))
  }
}

/** wait: false. A run cancelled while the build was starting cancels it all the same. */
async function leaveRunning(run: Run, executionId: string): Promise<void> {
  const cancel = run.cancellation.cancelled ? await run.cancellation.outcome() : undefined
  if (cancel) {
    if (cancel.settled) run.state.done()
    else run.state.execution(executionId, true)
    throw new Error(
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
  for (const secret of settings.credentials.secrets()) deps.secrets.add(secret)
  deps.log.info(
    `Region ${settings.regionId}, endpoint ${settings.endpoint.protocol}://${settings.endpoint.host}, credentials: ${settings.credentials.describe()}`
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
  const credentials = deps.credentials(settings, context)
  const title = settings.credentials.obtainTitle
  if (title)
    await deps.log.group(title, () => withinScope(scope, () => credentials.getCredential()))
  return credentials
}

async function failureSummary(
  deps: Dependencies,
  run: { settings: Settings; startedAt: number; known: Known },
  error: unknown
): Promise<void> {
  const { settings, known } = run
  await writeSummary(deps, {
    conclusion: known.executionId ? 'failed' : 'could-not-start',
    pipelineId: known.pipelineId ?? settings.pipelineId,
    pipelineName: settings.pipelineName,
    regionId: settings.regionId,
    executionId: known.executionId,
    durationMs: deps.clock.now() - run.startedAt,
    failure: describeError(error),
    links: runLinks(settings.origin),
    timeline: []
  })
}
