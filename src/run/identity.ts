/**
 * Whose build is it? A build this step reports as its own must be the one its
 * own start created; anything else is another's, and if-running decides:
 * - a start answered with an execution created before this step's first start
 *   request came from a ClientToken used before (a client-token given twice):
 *   it is not ours;
 * - a busy pipeline's running execution is looked up among that pipeline's
 *   executions only: a listing's item of another pipeline is never adopted.
 */
import { describeError } from '../api/errors.js'
import type { Execution, Started } from '../ecs/client.js'
import { brokenListing, eachPage } from '../ecs/listing.js'
import { isTerminal, RUNNING_STATUSES } from '../ecs/status.js'
import type { MainStep } from './context.js'

/** Another's execution that stands in our way, and why, in words. */
export interface Other {
  execution: Execution
  running: boolean
  why: string
}

/** CreationTime has whole seconds; the service's clock is read from its answer: a margin for both. */
const CREATED_BEFORE_MARGIN_MS = 2_000
const LOOK_UP_BUDGET_MS = 10_000

/**
 * The execution a start answered with, when it was created before this step's
 * first start request (by the service's clock, from the start's answer);
 * undefined when it is ours, or when that cannot be told (no clock in the
 * answer, not listed yet: a new build is often not listed at once).
 */
export async function startedBefore(
  { ecs, clock, log, settings }: MainStep,
  started: Started,
  firstStartWall: number
): Promise<Other | undefined> {
  // The default token is new for every step: only a client-token given as input can have been used before.
  if (!settings.clientTokenGiven || started.serverTime === undefined) return undefined
  const skew = started.serverTime - clock.wall()
  let execution: Execution | undefined
  try {
    execution = await ecs
      .within(LOOK_UP_BUDGET_MS)
      .getExecution({ executionId: started.executionId })
  } catch (error) {
    log.debug(
      `Execution ${started.executionId} not looked up (${describeError(error)}); taken as ours.`
    )
    return undefined
  }
  const created = Date.parse(execution?.creationTime ?? '')
  if (!execution || !Number.isFinite(created)) return undefined
  if (created >= firstStartWall + skew - CREATED_BEFORE_MARGIN_MS) return undefined
  return {
    execution,
    running: !isTerminal(execution.status),
    why: `The start was answered with execution ${execution.executionId} (${execution.status}), created at ${execution.creationTime}, before this step's first start request: its ClientToken was used before (give a fresh client-token, or leave it empty), so it is not this step's build`
  }
}

/** The pipeline's running execution (the newest, if several), when a start found it busy. */
export async function otherRunning(step: MainStep, pipelineId: string): Promise<Other | undefined> {
  // Every known running status, all pages (an empty Status filter may not list
  // every status: docs/api-notes.md); then one unfiltered page, for a running
  // status this action does not know yet.
  let found = await newestRunning(step, pipelineId, RUNNING_STATUSES)
  if (!found.execution && !found.broken) found = await newestRunning(step, pipelineId, undefined, 1)
  if (!found.execution && found.broken)
    throw new Error(
      `Pipeline ${pipelineId} is busy, but ${found.broken}; try again, or give execution-id to wait for its build`
    )
  const execution = found.execution
  return (
    execution && {
      execution,
      running: true,
      why: `Pipeline ${pipelineId} is busy with execution ${execution.executionId} (${execution.status})`
    }
  )
}

/** The newest running execution of this pipeline in a listing, holding one page at a time. */
async function newestRunning(
  { ecs }: MainStep,
  pipelineId: string,
  statuses: readonly string[] | undefined,
  maxPages?: number
): Promise<{ execution?: Execution; broken?: string }> {
  let newest: Execution | undefined
  const listing = await eachPage(
    (nextToken) => ecs.executionsPage({ pipelineId, statuses, maxResults: 100, nextToken }),
    (items) => {
      for (const execution of items) {
        if (execution.pipelineId !== pipelineId || isTerminal(execution.status)) continue
        // No assumption about the listing's order: the newest by creation time.
        if (!newest || (execution.creationTime ?? '') > (newest.creationTime ?? ''))
          newest = execution
      }
    },
    maxPages
  )
  const broken =
    listing.end === 'complete' || maxPages === 1
      ? undefined
      : brokenListing(`its executions`, listing)
  return { execution: newest, broken }
}
