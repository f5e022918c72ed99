/**
 * A cancelled workflow run: the runner sends SIGINT, then SIGTERM 7.5 s later.
 * Installed before anything is started, so no signal finds Node's default
 * handler (which would exit at once, leaving a build just started unseen): the
 * wait stops, and the build this step guards is cancelled as soon as its ID is
 * known, even when the start was still in flight when the signal came. It also
 * keeps the step to one cancel request at a time, whatever asks for it.
 */
import type { CancelResult } from '../ecs/cancel.js'
import type { Log } from '../log.js'

export type Signals = Pick<NodeJS.Process, 'on' | 'off'>

/** Requests a cancel within `budgetMs`; never rejects. */
type CancelRequest = (executionId: string, budgetMs: number) => Promise<CancelResult>

/**
 * How long a cancel's retries may go on when the run is being cancelled: no
 * exchange outlives it (net/exchange.ts), so the step ends within 5 s of the
 * signal (the runner sends SIGTERM 7.5 s after SIGINT).
 */
export const CANCEL_ON_SIGNAL_BUDGET_MS = 2_000

export class RunCancellation {
  private readonly controller = new AbortController()
  private guarded?: string
  private request?: Promise<CancelResult>

  constructor(
    private readonly signals: Signals,
    private readonly log: Log,
    private readonly cancel: CancelRequest
  ) {
    signals.on('SIGINT', this.onSignal)
    signals.on('SIGTERM', this.onSignal)
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  get cancelled(): boolean {
    return this.controller.signal.aborted
  }

  /** From now on a cancelled run cancels this execution; at once if the run is cancelled already. */
  guard(executionId: string): void {
    this.guarded = executionId
    if (this.cancelled) this.cancelOnce(executionId, CANCEL_ON_SIGNAL_BUDGET_MS)
  }

  /** Cancels the execution unless a cancel is under way or done already: never two at once. */
  cancelOnce(executionId: string, budgetMs: number): Promise<CancelResult> {
    this.request ??= this.cancel(executionId, budgetMs)
    return this.request
  }

  /** What became of the cancel, if one was requested. */
  outcome(): Promise<CancelResult> | undefined {
    return this.request
  }

  dispose(): void {
    this.signals.off('SIGINT', this.onSignal)
    this.signals.off('SIGTERM', this.onSignal)
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.cancelled) return
    this.log.info(`Received ${signal}: the workflow run is being cancelled.`)
    this.controller.abort()
    if (this.guarded) this.cancelOnce(this.guarded, CANCEL_ON_SIGNAL_BUDGET_MS)
  }
}
