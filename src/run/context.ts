/**
 * What the main step's phases share: the outside world as one seam
 * (`Dependencies`, replaced by tests), and the run's own state (`Run`).
 */
import type { Clock } from '../clock.js'
import type { CredentialFactory } from '../credentials/factory.js'
import type { EcsConnector } from '../ecs/connect.js'
import type { Ecs } from '../ecs/policy.js'
import type { Settings } from '../inputs/settings.js'
import type { Log } from '../log.js'
import type { Secrets } from '../secrets.js'
import type { PostStepState, StateStore } from '../state.js'
import type { RunCancellation, Signals } from './cancellation.js'
import type { OutputSink, StepOutputs } from './outputs.js'

/** The outside world, as the main step sees it. */
export interface Dependencies {
  clock: Clock
  log: Log
  /** Every secret the step learns: masked, and scrubbed from what it writes. */
  secrets: Secrets
  state: StateStore
  env: Record<string, string | undefined>
  /** Where SIGINT/SIGTERM arrive (process). */
  signals: Signals
  setOutput: OutputSink
  writeSummary: (markdown: string) => Promise<void>
  /** The credential factory (credentials/factory.ts); `mask` takes every secret it obtains. */
  credentials: CredentialFactory
  /** The raw ECS client, before the call policy is applied. */
  connect: EcsConnector
}

/** How this step came to the execution it reports on. */
export type Origin = 'started' | 'attached' | 'given'

/** One run of the main step, once settings and credentials are known. */
export interface Run {
  settings: Settings
  /** The policy-wrapped client: the run's deadline, retries, and cancellation. */
  ecs: Ecs
  clock: Clock
  log: Log
  outputs: StepOutputs
  state: PostStepState
  cancellation: RunCancellation
  writeSummary: Dependencies['writeSummary']
  /** Epoch ms when the step began (before credentials: they count inside timeout). */
  startedAt: number
  /** Epoch ms: `startedAt` + `timeout`. */
  deadline: number
}

/** A failure whose outputs and summary are already written: the message is the whole story. */
export class StepFailure extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StepFailure'
  }
}
