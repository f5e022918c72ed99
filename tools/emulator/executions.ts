/**
 * The emulator's model of image pipeline executions: each follows a scripted
 * timeline of running statuses to a chosen end, measured on the emulator's clock.
 * A cancel moves it to CANCELLING, then CANCELLED.
 */
import { randomBytes } from 'node:crypto'
import { TERMINAL_STATUSES } from '../../src/ecs/status.js'

export interface TimelineStep {
  status: string
  ms: number
  message?: string
}

export type EndStatus = 'SUCCESS' | 'PARTITION_SUCCESS' | 'FAILED' | 'TEST_FAILED'

export interface ExecutionPlan {
  steps?: TimelineStep[]
  end?: EndStatus
  message?: string
  /** The image the build produces; `null`: none. */
  imageId?: string | null
  /** The execution does not show in Describe calls for this long after its start. */
  invisibleMs?: number
  /** How long CANCELLING lasts after a cancel. */
  cancelMs?: number
}

export const DEFAULT_STEPS: TimelineStep[] = [
  { status: 'PREPARING', ms: 300, message: 'Create transition vpc success!' },
  { status: 'BUILDING', ms: 600, message: 'Running build commands' },
  { status: 'TESTING', ms: 300, message: 'Running test commands' },
  { status: 'DISTRIBUTING', ms: 300, message: 'Copying image' },
  { status: 'RELEASING', ms: 200, message: 'Releasing temporary resources' }
]

export interface Transition {
  status: string
  at: number
  message?: string
}

export class EmulatedExecution {
  readonly id = `exec-${randomBytes(10).toString('hex')}`
  readonly steps: TimelineStep[]
  readonly end: EndStatus
  readonly imageId?: string
  cancelledAt?: number

  constructor(
    readonly pipelineId: string,
    readonly regionId: string,
    readonly createdAt: number,
    readonly plan: ExecutionPlan,
    readonly tags: Array<{ key: string; value: string }>,
    readonly clientToken?: string
  ) {
    this.steps = plan.steps ?? DEFAULT_STEPS
    this.end = plan.end ?? 'SUCCESS'
    this.imageId =
      plan.imageId === null ? undefined : (plan.imageId ?? `m-${randomBytes(10).toString('hex')}`)
  }

  get visibleAt(): number {
    return this.createdAt + (this.plan.invisibleMs ?? 0)
  }

  /** Every status change, with the time it happened (scripted, or caused by a cancel). */
  transitions(): Transition[] {
    const result: Transition[] = []
    let at = this.createdAt
    for (const step of this.steps) {
      if (this.cancelledAt !== undefined && at > this.cancelledAt) break
      result.push({ status: step.status, at, message: step.message })
      at += step.ms
    }
    if (this.cancelledAt !== undefined && this.cancelledAt < at) {
      const cancelMs = this.plan.cancelMs ?? 200
      result.push({ status: 'CANCELLING', at: this.cancelledAt, message: 'Cancelling' })
      result.push({
        status: 'CANCELLED',
        at: this.cancelledAt + cancelMs,
        message: 'Execution cancelled'
      })
    } else {
      result.push({ status: this.end, at, message: this.plan.message ?? defaultMessage(this.end) })
    }
    return result
  }

  /** When the execution reached its terminal status (or will). */
  endedAt(): number {
    return this.transitions().at(-1)!.at
  }

  stateAt(now: number): Transition & { imageId?: string } {
    const reached = this.transitions().filter((transition) => transition.at <= now)
    const current = reached.at(-1) ?? this.transitions()[0]
    const built = reached.some((t) =>
      [
        'TESTING',
        'DISTRIBUTING',
        'RELEASING',
        'SUCCESS',
        'PARTITION_SUCCESS',
        'TEST_FAILED'
      ].includes(t.status)
    )
    return { ...current, imageId: built && current.status !== 'FAILED' ? this.imageId : undefined }
  }

  isRunningAt(now: number): boolean {
    return !TERMINAL.has(this.stateAt(now).status)
  }
}

/** The statuses an execution ends in: the action's own list (src/ecs/status.ts), one source for both. */
export const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_STATUSES)

function defaultMessage(end: EndStatus): string {
  switch (end) {
    case 'SUCCESS':
      return 'Image build success!'
    case 'PARTITION_SUCCESS':
      return 'Image created, but copying to cn-shanghai failed'
    case 'FAILED':
      return 'Build command exited with code 1'
    case 'TEST_FAILED':
      return 'Test command exited with code 2'
  }
}
