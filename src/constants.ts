/**
 * The names users type in their workflows and the names the two steps share:
 * inputs and outputs as action.yml declares them, and the post step's state.
 * Code and tests import them from here, so a name is spelled in one place.
 */
export const ACTION_NAME = 'ecs-image-builder'

export const Inputs = {
  RegionId: 'region-id',
  ImagePipelineId: 'image-pipeline-id',
  ImagePipelineName: 'image-pipeline-name',
  ExecutionId: 'execution-id',
  Tags: 'tags',
  Wait: 'wait',
  Timeout: 'timeout',
  PollInterval: 'poll-interval',
  MaxPollInterval: 'max-poll-interval',
  OnTimeout: 'on-timeout',
  CancelOnJobCancel: 'cancel-on-job-cancel',
  IfRunning: 'if-running',
  AllowPartialSuccess: 'allow-partial-success',
  ClientToken: 'client-token',
  AccessKeyId: 'access-key-id',
  AccessKeySecret: 'access-key-secret',
  SecurityToken: 'security-token',
  RoleToAssume: 'role-to-assume',
  OidcProviderArn: 'oidc-provider-arn',
  RoleSessionName: 'role-session-name',
  RoleSessionExpiration: 'role-session-expiration',
  Audience: 'audience',
  StsEndpoint: 'sts-endpoint',
  Endpoint: 'endpoint',
  EcsRamRole: 'ecs-ram-role',
  MetadataEndpoint: 'metadata-endpoint',
  ProvenanceTags: 'provenance-tags'
} as const

export const Outputs = {
  ExecutionId: 'execution-id',
  ImagePipelineId: 'image-pipeline-id',
  Status: 'status',
  ImageId: 'image-id',
  Message: 'message',
  DurationSeconds: 'duration-seconds'
} as const

/** What the main step tells the post step (GITHUB_STATE). */
export const State = {
  ExecutionId: 'execution-id',
  /** 'true' when this step started the execution and is to cancel it if the run is cancelled. */
  Guard: 'guard',
  /** 'true' once the build ended or a cancel was accepted: the post step has nothing to do. */
  Done: 'done',
  CancelRequested: 'cancel-requested',
  /** Why the main step could not settle the build, when it tried: the post step says so, and does not repeat what cannot work. */
  CancelFailed: 'cancel-failed',
  /** 'true' when the service refused the step's credentials and they cannot be renewed. */
  CredentialsRefused: 'credentials-refused'
} as const
