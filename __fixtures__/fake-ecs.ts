/** A scripted ECS client for unit tests of the steps: answers in order, records every call. */
import type { EcsClient, Execution, Pipeline } from '../src/ecs/client.js'
import { ApiError } from '../src/api/errors.js'

type Answer<T> = T | Error

export function apiError(code: string, transient = false, operation = 'Test'): ApiError {
  return new ApiError({
    operation,
    code,
    message: `${code} (scripted)`,
    requestId: 'REQ-1',
    transient,
    throttled: /Throttling/.test(code)
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

  async startExecution(params: Parameters<EcsClient['startExecution']>[0]): Promise<string> {
    return this.answer('start', params, this.starts)
  }

  async getExecution(params: { executionId: string }): Promise<Execution | undefined> {
    return this.answer('get', params, this.polls.get(params.executionId) ?? [undefined])
  }

  async listExecutions(params: Parameters<EcsClient['listExecutions']>[0]): Promise<Execution[]> {
    return this.answer(
      'list',
      params,
      params.statuses?.includes('SUCCESS') ? this.history : this.listings
    )
  }

  async cancelExecution(params: { executionId: string }): Promise<void> {
    return this.answer('cancel', params, this.cancels)
  }

  async findPipelines(params: Parameters<EcsClient['findPipelines']>[0]): Promise<Pipeline[]> {
    return this.answer('find', params, this.pipelines)
  }

  private answer<T>(operation: string, params: unknown, script: Array<Answer<T>>): T {
    this.calls.push({ operation, params })
    this.onCall?.(operation, this.count(operation))
    const next = script.length > 1 ? script.shift()! : script[0]
    if (next instanceof Error) throw next
    return next
  }
}
