/**
 * A cancelled workflow run: the runner sends SIGINT, then SIGTERM 7.5 s later.
 * Installed before anything is started, so no signal finds Node's default
 * handler (which would exit at once, leaving a build just started unseen): the
 * wait stops, and the build this step guards is cancelled as soon as its ID is
 * known, even when the start was still in flight when the signal came.
 */
import type { Log } from './clock.js'

export type Signals = Pick<NodeJS.Process, 'on' | 'off'>

export class RunCancellation {
  private readonly controller = new AbortController()
  private guarded?: string
  private request?: Promise<string>

  constructor(
    private readonly signals: Signals,
    private readonly log: Log,
    /** Requests the cancel; resolves to what happened, in words; never rejects. */
    private readonly cancel: (executionId: string) => Promise<string>
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
    if (this.cancelled) this.request ??= this.cancel(executionId)
  }

  /** What became of the guarded build, once the run was cancelled; undefined if none was guarded. */
  outcome(): Promise<string> | undefined {
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
    if (this.guarded) this.request ??= this.cancel(this.guarded)
  }
}
