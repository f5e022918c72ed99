/**
 * Execution statuses, as listed on the DescribeImagePipelineExecutions page
 * (shared/api/DescribeImagePipelineExecutions.en.txt). A status we do not know
 * is treated as running: the service may add phases, and a new phase must never
 * crash a wait for a build that is still going.
 */
export const RUNNING_STATUSES = [
  'PREPARING',
  'REPAIRING',
  'BUILDING',
  'TESTING',
  'DISTRIBUTING',
  'RELEASING',
  'CANCELLING'
] as const

export const TERMINAL_STATUSES = [
  'SUCCESS',
  'PARTITION_SUCCESS',
  'FAILED',
  'TEST_FAILED',
  'CANCELLED'
] as const

export type Outcome = 'running' | 'success' | 'partial' | 'failed' | 'cancelled'

const OUTCOMES: Record<string, Outcome> = {
  SUCCESS: 'success',
  PARTITION_SUCCESS: 'partial',
  FAILED: 'failed',
  TEST_FAILED: 'failed',
  CANCELLED: 'cancelled'
}

export function outcomeOf(status: string): Outcome {
  return OUTCOMES[status] ?? 'running'
}

export function isTerminal(status: string): boolean {
  return outcomeOf(status) !== 'running'
}

export function isKnown(status: string): boolean {
  return (
    (RUNNING_STATUSES as readonly string[]).includes(status) ||
    (TERMINAL_STATUSES as readonly string[]).includes(status)
  )
}
