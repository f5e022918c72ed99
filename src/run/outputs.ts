/**
 * The step's outputs: the only module that sets them. A write that fails (a
 * full disk) never stops the wait for a build that is still going: it is
 * warned about once, and the step fails with it, naming the file, once the
 * build is settled.
 */
import { describeError } from '../api/errors.js'
import { type Execution, failureReason } from '../ecs/client.js'
import { Outputs } from '../constants.js'
import type { Log } from '../log.js'
import type { OutputSink } from '../runner/runner.js'

export class StepOutputs {
  private failure?: Error

  constructor(
    private readonly set: OutputSink,
    private readonly log: Log
  ) {}

  /** The first write that failed, if any. */
  get failed(): Error | undefined {
    return this.failure
  }

  pipeline(pipelineId: string): void {
    this.write(Outputs.ImagePipelineId, pipelineId)
  }

  execution(executionId: string): void {
    this.write(Outputs.ExecutionId, executionId)
  }

  /** What the latest poll saw, and how long the step has waited so far. */
  progress(execution: Execution, elapsedMs: number): void {
    this.write(Outputs.Status, execution.status)
    // The execution's Message, or its failure reason when the Message is empty.
    this.write(Outputs.Message, execution.message ?? failureReason(execution) ?? '')
    if (execution.imageId) this.write(Outputs.ImageId, execution.imageId)
    this.duration(elapsedMs)
  }

  duration(elapsedMs: number): void {
    this.write(Outputs.DurationSeconds, String(Math.round(elapsedMs / 1000)))
  }

  private write(name: string, value: string): void {
    try {
      this.set(name, value)
    } catch (error) {
      if (this.failure) return
      this.failure = error instanceof Error ? error : new Error(String(error))
      this.log.warning(
        `${describeError(error)}; the step goes on, and fails once the build is settled.`
      )
    }
  }
}
