/**
 * What the main step tells the post step (GITHUB_STATE), behind a small
 * interface so the post step's logic is testable without the runner.
 */
import * as core from '@actions/core'

export const State = {
  ExecutionId: 'execution-id',
  /** 'true' when this step started the execution and is to cancel it if the run is cancelled. */
  Guard: 'guard',
  /** 'true' once the main step no longer needs the post step. */
  Done: 'done',
  CancelRequested: 'cancel-requested'
} as const

export interface StateStore {
  get(name: string): string
  set(name: string, value: string): void
}

export const actionsState: StateStore = {
  get: (name) => core.getState(name),
  set: (name, value) => core.saveState(name, value)
}
