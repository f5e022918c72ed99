/**
 * Errors the action raises. An ApiError carries what a user needs to act: the
 * operation, the resource, the API's code and message, the RequestId (what the
 * vendor's support asks for), and what to check.
 */
export class InputError extends Error {
  constructor(
    readonly input: string,
    problem: string
  ) {
    super(`Input "${input}" ${problem}`)
    this.name = 'InputError'
  }
}

export interface ApiErrorDetails {
  operation: string
  code: string
  message: string
  requestId?: string
  statusCode?: number
  resource?: string
  /** Retrying may help: throttling, 5xx, network trouble, an unparsable body. */
  transient: boolean
  throttled: boolean
}

const HINTS: Array<[RegExp, string]> = [
  [
    /^(AuthenticationFail\..*|EntityNotExist\.(Role|OIDCProvider)|InvalidParameter\.(RoleSessionName|DurationSeconds))$/,
    "check role-to-assume and oidc-provider-arn, and that the role's trust policy accepts this repository's GitHub ID token (issuer, audience, subject)"
  ],
  [
    /^InvalidImagePipeline\.NotFound$/,
    'check the image pipeline ID and that region-id is the region it lives in'
  ],
  [/^InvalidRegionId\.NotFound$/, 'check region-id'],
  [
    /^(SignatureDoesNotMatch|InvalidAccessKeyId\.NotFound|InvalidAccessKeyId|IncompleteSignature|InvalidAccessKeySecret)$/,
    'check the credentials: the AccessKey ID and secret must belong together and be enabled'
  ],
  [
    /^(InvalidSecurityToken\.(Expired|Malformed|MismatchWithAccessKey)|SecurityTokenExpired)$/,
    'the STS security token is expired or invalid; static STS credentials cannot be renewed, so use role-to-assume (GitHub OIDC) for builds that outlast them'
  ],
  [
    /^(Forbidden\.RAM|Forbidden|NoPermission|Forbidden\.AccessDenied)$/,
    'the RAM identity needs ecs:StartImagePipelineExecution, ecs:DescribeImagePipelineExecutions, ecs:DescribeImagePipelines and ecs:CancelImagePipelineExecution'
  ],
  [
    /^InvalidImagePipeline\.HasRunningExecution$/,
    'the pipeline already has a running execution; set if-running to wait or attach'
  ],
  [
    /^(Throttling|Throttling\.User|Rejected\.Throttling)$/,
    'the account is throttled; raise poll-interval'
  ],
  [/^InvalidTag(Key|Value)\.Malformed|Duplicate\.TagKey$/, 'check the tags input'],
  [
    /^Invalid(Image|ImagePipeline)\.(BaseImageNotFound|NotFound|OSSObject.*)|InvalidImage\..*$/,
    'check the image pipeline (image template) settings in the ECS console'
  ],
  [
    /^(InvalidVSwitchId\.NotFound|InvalidInstanceType\.NotFound)$/,
    "check the pipeline's vSwitch and instance type"
  ],
  [
    /^RequestTimeout$/,
    'check that the runner reaches the endpoint (region-id, endpoint, firewall); the SDK also reports a response that stalled for its connect time-out as "ConnectTimeout"'
  ],
  [
    /^(ConnectionError|ECONN(RESET|REFUSED|ABORTED)|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|UND_ERR_SOCKET)$/,
    'check that the runner reaches the endpoint (region-id, endpoint, firewall)'
  ]
]

export function hintFor(code: string): string | undefined {
  return HINTS.find(([pattern]) => pattern.test(code))?.[1]
}

export class ApiError extends Error {
  readonly operation: string
  readonly code: string
  readonly apiMessage: string
  readonly requestId?: string
  readonly statusCode?: number
  readonly resource?: string
  readonly transient: boolean
  readonly throttled: boolean

  constructor(details: ApiErrorDetails) {
    const hint = hintFor(details.code)
    const parts = [
      `${details.operation}${details.resource ? ` (${details.resource})` : ''} failed: ${details.code}: ${details.message}`,
      details.requestId ? ` (RequestId: ${details.requestId})` : '',
      hint ? `. Check: ${hint}` : ''
    ]
    super(parts.join(''))
    this.name = 'ApiError'
    this.operation = details.operation
    this.code = details.code
    this.apiMessage = details.message
    this.requestId = details.requestId
    this.statusCode = details.statusCode
    this.resource = details.resource
    this.transient = details.transient
    this.throttled = details.throttled
  }
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'Throttling.User',
  'Throttling.Api',
  'Rejected.Throttling',
  'ServiceUnavailable.Throttling'
])
const TRANSIENT_CODES = new Set([
  'ServiceUnavailable',
  'InternalError',
  'UnknownError',
  'StartImagePipelineExecution.Failed',
  'OperationConflict',
  'LastTokenProcessing',
  'IdempotentProcessing'
])
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET'
])

interface SdkErrorShape {
  name?: string
  code?: string
  message?: string
  statusCode?: number
  data?: { Code?: string; Message?: string; RequestId?: string; statusCode?: number }
}

/** Turns whatever the SDK or the socket threw into an ApiError, classified. */
export function toApiError(operation: string, error: unknown, resource?: string): ApiError {
  if (error instanceof ApiError) return error
  const raw = (
    typeof error === 'object' && error !== null ? error : { message: String(error) }
  ) as SdkErrorShape
  const data = raw.data
  if (data && (data.Code || data.statusCode)) {
    const code = String(data.Code ?? raw.code ?? `HTTP${data.statusCode}`)
    const statusCode = Number(data.statusCode ?? raw.statusCode) || undefined
    const throttled = THROTTLING_CODES.has(code) || statusCode === 429
    const transient =
      throttled || TRANSIENT_CODES.has(code) || (statusCode !== undefined && statusCode >= 500)
    return new ApiError({
      operation,
      code,
      message: String(data.Message ?? raw.message ?? ''),
      requestId: data.RequestId ? String(data.RequestId) : undefined,
      statusCode,
      resource,
      transient,
      throttled
    })
  }
  // The SDK parses every error body as JSON: a proxy's HTML page or a truncated
  // body surfaces as a SyntaxError with no status code. Both are worth a retry.
  if (raw.name === 'SyntaxError' || /JSON/.test(raw.message ?? '')) {
    return new ApiError({
      operation,
      code: 'UnparsableResponse',
      message: `the response body could not be parsed (${raw.message})`,
      resource,
      transient: true,
      throttled: false
    })
  }
  const networkCode = raw.code && NETWORK_CODES.has(raw.code) ? raw.code : undefined
  const timedOut =
    /Timeout/i.test(raw.name ?? '') ||
    /ReadTimeout|ConnectTimeout|timed? ?out/i.test(raw.message ?? '')
  const hungUp = /socket hang up|ECONNRESET|other side closed|ECONNREFUSED/i.test(raw.message ?? '')
  if (networkCode || timedOut || hungUp) {
    return new ApiError({
      operation,
      code: networkCode ?? (timedOut ? 'RequestTimeout' : 'ConnectionError'),
      message: raw.message ?? 'network error',
      resource,
      transient: true,
      throttled: false
    })
  }
  return new ApiError({
    operation,
    code: raw.code ? String(raw.code) : (raw.name ?? 'Error'),
    message: raw.message ?? String(error),
    resource,
    transient: false,
    throttled: false
  })
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
