/**
 * The one cancel routine, shared by the main step (a cancelled run, a time-out)
 * and the post step (the backstop). It cancels by ID, retries what is worth
 * retrying within its own budget (not stopped by a cancelled run: that is when
 * it matters), checks the answer, and says what happened in words. It never
 * throws.
 */
import { ApiError, describeError } from '../api/errors.js'
import { outsideScope } from '../net/exchange.js'
import type { Ecs } from './policy.js'

export interface CancelResult {
  /** A cancel was accepted, or the service says the build is past cancelling: nothing left to do. */
  settled: boolean
  /** What happened, in words: for the log, the summary and the error. */
  words: string
  /** Why it failed, when it did. */
  error?: ApiError
}

export function cancelBuild(
  ecs: Ecs,
  executionId: string,
  budgetMs: number
): Promise<CancelResult> {
  // Not inside the call that asked for it (a poll a cancelled run is ending): a budget of its own.
  return outsideScope(() => cancel(ecs, executionId, budgetMs))
}

async function cancel(ecs: Ecs, executionId: string, budgetMs: number): Promise<CancelResult> {
  const { clock, log } = ecs.policy
  const client = ecs.with({
    deadline: clock.now() + budgetMs,
    signal: undefined,
    wake: undefined,
    giveUp: undefined,
    maxFailures: undefined,
    maxAttempts: undefined,
    baseDelayMs: 500
  })
  try {
    await client.cancelExecution({ executionId })
    log.info(`Cancel requested for execution ${executionId}.`)
    return { settled: true, words: `a cancel was requested for execution ${executionId}` }
  } catch (error) {
    log.warning(`Could not cancel execution ${executionId}: ${describeError(error)}`)
    // InvalidStatus.*: the build is in a phase that cannot be cancelled, or has ended.
    if (error instanceof ApiError && /^InvalidStatus\./.test(error.code)) {
      return {
        settled: true,
        words: `the service refused to cancel it in its current phase (${error.code}); it will end on its own`
      }
    }
    return {
      settled: false,
      words: `the cancel request failed (${describeError(error)}); cancel it in the ECS console`,
      error: error instanceof ApiError ? error : undefined
    }
  }
}
