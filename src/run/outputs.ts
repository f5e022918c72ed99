/** The step's outputs: the only module that sets them. */
import { type Execution, failureReason } from '../ecs/client.js'
import { Outputs } from '../constants.js'

export type OutputSink = (name: string, value: string) => void

export class StepOutputs {
  constructor(private readonly set: OutputSink) {}

  pipeline(pipelineId: string): void {
    this.set(Outputs.ImagePipelineId, pipelineId)
  }

  execution(executionId: string): void {
    this.set(Outputs.ExecutionId, executionId)
  }

  /** What the latest poll saw, and how long the step has waited so far. */
  progress(execution: Execution, elapsedMs: number): void {
    this.set(Outputs.Status, execution.status)
    // The execution's Message, or its failure reason when the Message is empty.
    this.set(Outputs.Message, execution.message ?? failureReason(execution) ?? '')
    if (execution.imageId) this.set(Outputs.ImageId, execution.imageId)
    this.duration(elapsedMs)
  }

  duration(elapsedMs: number): void {
    this.set(Outputs.DurationSeconds, String(Math.round(elapsedMs / 1000)))
  }
}
