/** A scripted ECS client for unit tests of the steps: answers in order, records every call. */
import type { EcsClient, Execution, Page, Pipeline, Started } from '../src/ecs/client.js'
import { ApiError } from '../src/api/errors.js'

type Answer<T> = T | Error

/** Connection failures that never reach the service (net/errors.ts says the same of real ones). */
const NEVER_REACHED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH'
])

export function apiError(code: string, transient = false, operation = 'Test'): ApiError {
  return new ApiError({
    operation,
    code,
    message: `${code} (scripted)`,
    requestId: 'REQ-1',
    transient,
    throttled: /Throttling/.test(code),
    reached: !NEVER_REACHED.has(code)
  })
}

export function execution(executionId: string, status: string, extra: Partial<Execution> = {}) {
  return { executionId, status, pipelineId: 'ip-1', tags: [], ...extra } satisfies Execution
}

/** Each list is consumed in order; the last answer of a list repeats. */
export class FakeEcs implements EcsClient {
  readonly calls: Array<{ operation: string; params: unknown }> = []
  starts: Array<Answer<string>> = ['exec-new']
  /** Polls of an execution ID, in order. */
  polls = new Map<string, Array<Answer<Execution | undefined>>>()
  /** listExecutions of running executions (if-running's look-up). */
  listings: Array<Answer<Execution[]>> = [[]]
  /** listExecutions of successful executions (history). */
  history: Array<Answer<Execution[]>> = [[]]
  pipelines: Array<Answer<Pipeline[]>> = [[{ pipelineId: 'ip-1', name: 'golden' }]]
  cancels: Array<Answer<void>> = [undefined]
  /** Called before each answer: a test makes things happen mid-run (a signal, say). */
  onCall?: (operation: string, calls: number) => void

  count(operation: string): number {
    return this.calls.filter((call) => call.operation === operation).length
  }

  /** The service's clock in the start's answer, when a test gives one. */
  serverTime?: () => number

  async startExecution(params: Parameters<EcsClient['startExecution']>[0]): Promise<Started> {
    const executionId = this.answer('start', params, this.starts)
    return { executionId, serverTime: this.serverTime?.() }
  }

  async getExecution(params: { executionId: string }): Promise<Execution | undefined> {
    return this.answer('get', params, this.polls.get(params.executionId) ?? [undefined])
  }

  /** One page holds the whole scripted answer. */
  async executionsPage(
    params: Parameters<EcsClient['executionsPage']>[0]
  ): Promise<Page<Execution>> {
    const items = this.answer(
      'list',
      params,
      params.statuses?.includes('SUCCESS') ? this.history : this.listings
    )
    return { items }
  }

  async cancelExecution(params: { executionId: string }): Promise<void> {
    return this.answer('cancel', params, this.cancels)
  }

  async pipelinesPage(params: Parameters<EcsClient['pipelinesPage']>[0]): Promise<Page<Pipeline>> {
    return { items: this.answer('find', params, this.pipelines) }
  }

  private answer<T>(operation: string, params: unknown, script: Array<Answer<T>>): T {
    this.calls.push({ operation, params })
    this.onCall?.(operation, this.count(operation))
    const next = script.length > 1 ? script.shift()! : script[0]
    if (next instanceof Error) throw next
    return next
  }
}
