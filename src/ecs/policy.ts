/**
 * The ECS client every caller uses: the retry policy (api/retry.ts), a
 * deadline, the run's cancellation and the credentials' recovery hook are
 * applied here, once, to every single request (a listing's pages each get
 * their own retries). Callers just call. One that needs another budget (a
 * best-effort look-up, a cancel after the deadline, the wait loop's single
 * attempts) derives a client with `with()` or `within()`.
 */
import { type RetryOptions, withRetry } from '../api/retry.js'
import type { EcsClient } from './client.js'

/** How calls are made: deadline, attempts, backoff, recovery, and the signal that stops retrying. */
type CallPolicy = Omit<RetryOptions, 'random'> & { random?: () => number }

export interface Ecs extends EcsClient {
  readonly policy: CallPolicy
  /** The same client under a changed policy. */
  with(change: Partial<CallPolicy>): Ecs
  /** The same client with at most `ms` to spend from now (never past the current deadline). */
  within(ms: number): Ecs
}

export function withPolicy(client: EcsClient, policy: CallPolicy): Ecs {
  const retried = <T>(operation: string, resource: string, call: () => Promise<T>): Promise<T> =>
    withRetry(operation, call, policy, resource)
  return {
    policy,
    with: (change) => withPolicy(client, { ...policy, ...change }),
    within: (ms) =>
      withPolicy(client, {
        ...policy,
        deadline: Math.min(policy.deadline, policy.clock.now() + ms)
      }),
    startExecution: (params) =>
      retried('StartImagePipelineExecution', `pipeline ${params.pipelineId}`, () =>
        client.startExecution(params)
      ),
    getExecution: (params) =>
      retried('DescribeImagePipelineExecutions', `execution ${params.executionId}`, () =>
        client.getExecution(params)
      ),
    executionsPage: (params) =>
      retried('DescribeImagePipelineExecutions', `pipeline ${params.pipelineId}`, () =>
        client.executionsPage(params)
      ),
    cancelExecution: (params) =>
      retried('CancelImagePipelineExecution', `execution ${params.executionId}`, () =>
        client.cancelExecution(params)
      ),
    pipelinesPage: (params) =>
      retried(
        'DescribeImagePipelines',
        params.name ? `pipeline named "${params.name}"` : 'image pipelines',
        () => client.pipelinesPage(params)
      )
  }
}
