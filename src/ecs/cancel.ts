/**
 * The one cancel routine, shared by the main step (a cancelled run, a time-out)
 * and the post step (the backstop). It cancels by ID, retries what is worth
 * retrying within the client's budget, checks the answer, and says what
 * happened in words. It never throws.
 */
import { ApiError, describeError } from '../api/errors.js'
import type { Clock } from '../clock.js'
import type { Log } from '../log.js'
import type { EcsClient } from './client.js'
import { withPolicy } from './policy.js'

export interface CancelResult {
  /** A cancel was accepted, or the service says the build is past cancelling: nothing left to do. */
  settled: boolean
  /** What happened, in words: for the log, the summary and the error. */
  words: string
}

export interface CancelBudget {
  clock: Clock
  log: Log
  /** How long retries may go on, from now. Not stopped by a cancelled run: that is when it matters. */
  budgetMs: number
}

export async function cancelExecution(
  client: EcsClient,
  executionId: string,
  { clock, log, budgetMs }: CancelBudget
): Promise<CancelResult> {
  const ecs = withPolicy(client, { clock, log, deadline: clock.now() + budgetMs, baseDelayMs: 500 })
  try {
    await ecs.cancelExecution({ executionId })
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
      words: `the cancel request failed (${describeError(error)}); cancel it in the ECS console`
    }
  }
}
