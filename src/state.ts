/**
 * What passes from the main step to the post step (GITHUB_STATE): written and
 * read only here, behind a small store interface so both steps' logic is
 * testable without the runner.
 */
import * as core from '@actions/core'
import { State } from './constants.js'

export interface StateStore {
  get(name: string): string
  set(name: string, value: string): void
}

export const actionsState: StateStore = {
  get: (name) => core.getState(name),
  set: (name, value) => core.saveState(name, value)
}

/** What the post step reads. */
export interface PostStepFacts {
  executionId?: string
  /** This step started the build and is to cancel it if the run is cancelled. */
  guarded: boolean
  /** The main step needs no backstop any more. */
  done: boolean
  cancelRequested: boolean
}

export class PostStepState {
  constructor(private readonly store: StateStore) {}

  /** The execution is known; `guarded` when the post step is to cancel it if the main step is killed. */
  execution(executionId: string, guarded: boolean): void {
    this.store.set(State.ExecutionId, executionId)
    if (guarded) this.store.set(State.Guard, 'true')
  }

  /** The main step needs no backstop: the post step does nothing. */
  done(): void {
    this.store.set(State.Done, 'true')
  }

  cancelRequested(): void {
    this.store.set(State.CancelRequested, 'true')
  }

  read(): PostStepFacts {
    return {
      executionId: this.store.get(State.ExecutionId) || undefined,
      guarded: this.store.get(State.Guard) === 'true',
      done: this.store.get(State.Done) === 'true',
      cancelRequested: this.store.get(State.CancelRequested) === 'true'
    }
  }
}
