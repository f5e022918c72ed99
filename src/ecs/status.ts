/**
 * Execution statuses, as listed on the DescribeImagePipelineExecutions page
 * (docs/api-notes.md). A status we do not know
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

/** Every status the API lists (the emulator accepts these in a Status filter). */
export const KNOWN_STATUSES: readonly string[] = [...RUNNING_STATUSES, ...TERMINAL_STATUSES]

/** What a status means for the step. */
type StatusClass = 'running' | 'success' | 'partial' | 'failed' | 'cancelled'

const CLASSES: Record<string, StatusClass> = {
  SUCCESS: 'success',
  PARTITION_SUCCESS: 'partial',
  FAILED: 'failed',
  TEST_FAILED: 'failed',
  CANCELLED: 'cancelled'
}

export function classify(status: string): StatusClass {
  return CLASSES[status] ?? 'running'
}

export function isTerminal(status: string): boolean {
  return classify(status) !== 'running'
}

export function isKnown(status: string): boolean {
  return KNOWN_STATUSES.includes(status)
}
