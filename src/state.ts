/**
 * What passes from the main step to the post step (GITHUB_STATE): written and
 * read only here, through the runner's state store, so both steps' logic is
 * testable without the runner.
 */
import { State } from './constants.js'
import type { StateStore } from './runner/runner.js'

/** What the post step reads. */
export interface PostStepFacts {
  executionId?: string
  /** This step started the build and is to cancel it if the run is cancelled. */
  guarded: boolean
  /** The main step needs no backstop any more. */
  done: boolean
  cancelRequested: boolean
  /** What became of the main step's own cancel, when it tried and failed. */
  cancelFailed?: string
  /** The service refused the step's credentials, and they cannot be renewed. */
  credentialsRefused?: string
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

  /** The main step's cancel failed: the post step tries again, and says why it is trying. */
  cancelFailed(words: string): void {
    this.store.set(State.CancelFailed, words)
  }

  /** The credentials are dead: the post step, with the same ones, cannot cancel either. */
  credentialsRefused(code: string): void {
    this.store.set(State.CredentialsRefused, code)
  }

  read(): PostStepFacts {
    return {
      executionId: this.store.get(State.ExecutionId) || undefined,
      guarded: this.store.get(State.Guard) === 'true',
      done: this.store.get(State.Done) === 'true',
      cancelRequested: this.store.get(State.CancelRequested) === 'true',
      cancelFailed: this.store.get(State.CancelFailed) || undefined,
      credentialsRefused: this.store.get(State.CredentialsRefused) || undefined
    }
  }
}
