/**
 * What the main step's phases share: the outside world as one seam
 * (`Dependencies`, replaced by tests), and the run's own state (`MainStep`).
 */
import type { Clock } from '../clock.js'
import type { CredentialProvider } from '../credentials/provider.js'
import type { ProviderContext } from '../credentials/source.js'
import type { EcsConnector } from '../ecs/connect.js'
import type { Ecs } from '../ecs/policy.js'
import type { Settings } from '../inputs/settings.js'
import type { Log } from '../log.js'
import type { Router } from '../net/exchange.js'
import type { OutputSink, StateStore } from '../runner/runner.js'
import type { Secrets } from '../secrets.js'
import type { PostStepState } from '../state.js'
import type { RunCancellation, Signals } from './cancellation.js'
import type { StepOutputs } from './outputs.js'

/** Makes the provider for the chosen source (tests pass their own). */
export type CredentialFactory = (settings: Settings, context: ProviderContext) => CredentialProvider

export const chosenSource: CredentialFactory = (settings, context) =>
  settings.credentialSource.create(context)

/** The outside world, as the main step sees it. */
export interface Dependencies {
  clock: Clock
  log: Log
  /** Every secret the step learns: masked, and scrubbed from what it writes. */
  secrets: Secrets
  /** Where the post step's state is kept (GITHUB_STATE). */
  stateStore: StateStore
  env: Record<string, string | undefined>
  /** Where SIGINT/SIGTERM arrive (process). */
  signals: Signals
  setOutput: OutputSink
  writeSummary: (markdown: string) => Promise<void>
  /** How each request is routed (net/proxy.ts). */
  route: Router
  makeProvider: CredentialFactory
  /** The raw ECS client, before the call policy is applied. */
  connect: EcsConnector
}

/** How this step came to the execution it reports on: started it (it owns it), attached to it, or was given it. */
export type Ownership = 'started' | 'attached' | 'given'

/** One run of the main step, once settings and credentials are known. */
export interface MainStep {
  settings: Settings
  /** The policy-wrapped client: the run's deadline, retries, recovery and cancellation. */
  ecs: Ecs
  /** Where the signing keys come from (the chosen source's provider). */
  provider: CredentialProvider
  clock: Clock
  log: Log
  outputs: StepOutputs
  /** What the post step is told. */
  postStep: PostStepState
  cancellation: RunCancellation
  writeSummary: Dependencies['writeSummary']
  /** When the step began, on the monotonic clock (before credentials: they count inside timeout). */
  startedAt: number
  /** `startedAt` + `timeout`, on the monotonic clock. */
  deadline: number
}

/** A failure whose summary is already written: the message is the whole story. */
export class ReportedFailure extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReportedFailure'
  }
}
