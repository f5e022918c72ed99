/**
 * The step's result as a pure function of what happened: how the wait ended,
 * the last execution seen, whether this step owns the build, and what a cancel
 * did. Tested table by table (the outcome table of the README).
 */
import type { CancelResult } from '../ecs/cancel.js'
import { type Execution, failureReason } from '../ecs/client.js'
import { classify } from '../ecs/status.js'
import { formatDuration } from '../inputs/duration.js'
import type { Settings } from '../inputs/settings.js'
import type { WaitEnd } from '../wait/wait.js'
import type { Ownership } from './context.js'

export interface Ending {
  end: WaitEnd
  /** Why polling failed, when `end` is 'failed'. */
  error?: Error
  execution?: Execution
  executionId: string
  ownership: Ownership
  durationMs: number
  /** What the cancel after a time-out or on a cancelled run did; absent when none was requested. */
  cancel?: CancelResult
}

export type ResultSettings = Pick<
  Settings,
  'onTimeout' | 'allowPartialSuccess' | 'timeoutMs' | 'cancelOnJobCancel'
>

/** How the step ended, as the summary's heading says it. */
export type Conclusion = 'succeeded' | 'failed' | 'timed-out' | 'polling-failed' | 'cancelled'

export interface Outcome {
  conclusion: Conclusion
  passed: boolean
  /** The step's last word: the failure, or the line logged when it passes. */
  message: string
  /** A pass that deserves a warning (a partial success accepted). */
  warning: boolean
  /** A sentence under the summary's table. */
  note?: string
  /** Nothing is left for the post step: the build ended, was left on purpose, or a cancel settled it. */
  done: boolean
}

/** After a time-out, the build is cancelled when this step started it and on-timeout says so. */
export function cancelsAfterTimeout(ownership: Ownership, settings: ResultSettings): boolean {
  return ownership === 'started' && settings.onTimeout === 'cancel'
}

export function decideOutcome(ending: Ending, settings: ResultSettings): Outcome {
  if (ending.end === 'aborted') return aborted(ending, settings)
  if (ending.end === 'timed_out' || ending.end === 'failed') return timedOut(ending, settings)
  return ended(ending, settings)
}

function lastStatus(ending: Ending): string {
  return ending.execution?.status ?? 'unknown'
}

function aborted(ending: Ending, settings: ResultSettings): Outcome {
  const owned = ending.ownership === 'started'
  const note =
    ending.cancel?.words ??
    (owned && !settings.cancelOnJobCancel
      ? 'cancel-on-job-cancel is false: the build was left running'
      : 'this step did not start it, so it was left running')
  return {
    conclusion: 'cancelled',
    passed: false,
    message: `The workflow run was cancelled while waiting for execution ${ending.executionId} (last status ${lastStatus(ending)}); ${note}.`,
    warning: false,
    note: `The workflow run was cancelled; ${note}.`,
    done: ending.cancel ? ending.cancel.settled : true
  }
}

/** A time-out, or a poll that failed for good: the build's end is unknown, and on-timeout decides. */
function timedOut(ending: Ending, settings: ResultSettings): Outcome {
  const failed = ending.end === 'failed'
  let note: string
  if (settings.onTimeout === 'leave') {
    note = `it was left running (on-timeout: leave); follow it with execution-id: ${ending.executionId}`
  } else if (ending.ownership !== 'started') {
    note = 'this step did not start it, so it was left running'
  } else {
    note = ending.cancel?.words ?? 'no cancel was requested'
  }
  const what = failed
    ? `Polling execution ${ending.executionId} failed (${ending.error?.message ?? 'unknown error'}), so its end is unknown (last status ${lastStatus(ending)}); as after a time-out, ${note}.`
    : `Timed out after ${formatDuration(settings.timeoutMs)} waiting for execution ${ending.executionId} (last status ${lastStatus(ending)}); ${note}.`
  return {
    conclusion: failed ? 'polling-failed' : 'timed-out',
    passed: false,
    message: what,
    warning: false,
    note: failed ? `Polling failed; ${note}.` : `Timed out; ${note}.`,
    done: ending.cancel ? ending.cancel.settled : true
  }
}

function ended(ending: Ending, settings: ResultSettings): Outcome {
  const execution = ending.execution!
  const image = `Image: ${execution.imageId ?? 'none reported'}`
  const reason = failureReason(execution)
  const detail = `Execution ${ending.executionId} ended with ${execution.status} after ${formatDuration(ending.durationMs)}${execution.message ? ` (message: "${execution.message}")` : ''}${reason ? ` (error: ${reason})` : ''}`
  const result = { conclusion: 'failed' as Conclusion, passed: false, warning: false, done: true }
  switch (classify(execution.status)) {
    case 'success':
      // A deploy must never run with an empty image ID.
      return execution.imageId
        ? { ...result, conclusion: 'succeeded', passed: true, message: `${detail}. ${image}` }
        : {
            ...result,
            message: `${detail}, but the service returned no image ID, so there is no image to hand on.`
          }
    case 'partial':
      return settings.allowPartialSuccess
        ? {
            ...result,
            conclusion: 'succeeded',
            passed: true,
            warning: true,
            message: `${detail}. allow-partial-success is true, so the step passes. ${image}`
          }
        : {
            ...result,
            message: `${detail}. The image was created, but copying, sharing or clean-up failed; set allow-partial-success: true to accept this.`
          }
    default:
      return { ...result, message: `${detail}.` }
  }
}
