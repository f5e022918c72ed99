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
  /** The service's own advice (a troubleshooting link), when it gives one. */
  recommend?: string
  /** Which RAM action was denied, and for whom: what a policy fix needs. */
  accessDeniedDetail?: string
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
  readonly recommend?: string
  readonly accessDeniedDetail?: string
  readonly transient: boolean
  readonly throttled: boolean

  constructor(details: ApiErrorDetails) {
    const hint = hintFor(details.code)
    const parts = [
      `${details.operation}${details.resource ? ` (${details.resource})` : ''} failed: ${details.code}: ${details.message}`,
      details.requestId ? ` (RequestId: ${details.requestId})` : '',
      details.accessDeniedDetail ? `. Denied: ${details.accessDeniedDetail}` : '',
      hint ? `. Check: ${hint}` : '',
      details.recommend ? `. Recommend: ${details.recommend}` : ''
    ]
    super(parts.join(''))
    this.name = 'ApiError'
    this.operation = details.operation
    this.code = details.code
    this.apiMessage = details.message
    this.requestId = details.requestId
    this.statusCode = details.statusCode
    this.resource = details.resource
    this.recommend = details.recommend
    this.accessDeniedDetail = details.accessDeniedDetail
    this.transient = details.transient
    this.throttled = details.throttled
  }
}

/** Throttling by pattern: any code that says so (Throttling.User, Throttling.Concurrent, …). */
function isThrottling(code: string, statusCode?: number): boolean {
  return /Throttling/i.test(code) || statusCode === 429
}
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
  'ENOTFOUND',
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
  accessDeniedDetail?: unknown
  data?: {
    Code?: string
    Message?: string
    RequestId?: string
    Recommend?: string
    AccessDeniedDetail?: unknown
    statusCode?: number
  }
}

/** An answer that parsed but lacks what it must hold: worth a retry (a proxy's page, a cut body). */
export function unparsable(operation: string, what: string, resource?: string): ApiError {
  return new ApiError({
    operation,
    code: 'UnparsableResponse',
    message: what,
    resource,
    transient: true,
    throttled: false
  })
}

/** An answer whose content breaks the API's own rules (an ID that is not an ID): refused. */
export function malformed(operation: string, what: string, resource?: string): ApiError {
  return new ApiError({
    operation,
    code: 'MalformedResponse',
    message: what,
    resource,
    transient: false,
    throttled: false
  })
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
    const throttled = isThrottling(code, statusCode)
    const transient =
      throttled || TRANSIENT_CODES.has(code) || (statusCode !== undefined && statusCode >= 500)
    return new ApiError({
      operation,
      code,
      message: String(data.Message ?? raw.message ?? ''),
      requestId: data.RequestId ? String(data.RequestId) : undefined,
      recommend: data.Recommend ? String(data.Recommend) : undefined,
      accessDeniedDetail: deniedDetail(data.AccessDeniedDetail ?? raw.accessDeniedDetail),
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
      // Never the parser's own words: they quote the body, which may hold a secret.
      message: 'the response body could not be parsed as JSON',
      resource,
      transient: true,
      throttled: false
    })
  }
  if (raw.code === 'ResponseTooLarge')
    return new ApiError({
      ...base(operation, resource),
      code: raw.code,
      message: raw.message ?? ''
    })
  const network = networkError(raw)
  if (network) return new ApiError({ ...base(operation, resource), ...network, transient: true })
  return new ApiError({
    ...base(operation, resource),
    code: raw.code ? String(raw.code) : (raw.name ?? 'Error'),
    message: raw.message ?? String(error)
  })
}

/** AccessDeniedDetail comes as an object (AuthAction, AuthPrincipalDisplayName, …) or a string. */
function deniedDetail(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'object') return String(value)
  const fields = Object.entries(value as Record<string, unknown>)
    .filter(([, field]) => field !== undefined && field !== null && field !== '')
    .map(
      ([name, field]) =>
        `${name}=${typeof field === 'object' ? JSON.stringify(field) : String(field)}`
    )
  return fields.length ? fields.join(', ') : undefined
}

function base(operation: string, resource?: string) {
  return { operation, resource, transient: false, throttled: false }
}

/** What a network failure was, in plain words, without the transport's garbled suffix. */
const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ECONNABORTED: 'the connection was aborted',
  EPIPE: 'the connection was closed while sending',
  ETIMEDOUT: 'the connection timed out',
  EAI_AGAIN: 'the host name could not be resolved (temporary DNS failure)',
  ENOTFOUND: 'the host name could not be resolved',
  ENETUNREACH: 'the network is unreachable',
  EHOSTUNREACH: 'the host is unreachable',
  UND_ERR_SOCKET: 'the connection failed'
}

function networkError(raw: SdkErrorShape): { code: string; message: string } | undefined {
  const message = raw.message ?? ''
  const networkCode = raw.code && NETWORK_CODES.has(raw.code) ? raw.code : undefined
  if (networkCode) return { code: networkCode, message: NETWORK_WORDS[networkCode] }
  if (raw.code === 'RequestAborted') return { code: raw.code, message: message }
  if (
    raw.code === 'RequestTimeout' ||
    /Timeout/i.test(raw.name ?? '') ||
    /ReadTimeout|ConnectTimeout|timed? ?out/i.test(message)
  ) {
    const sdkTimer = /(ConnectTimeout|ReadTimeout)/.exec(message)?.[1]
    return {
      code: 'RequestTimeout',
      message:
        raw.code === 'RequestTimeout'
          ? message
          : `the request timed out${sdkTimer ? ` (the SDK's ${sdkTimer})` : ''}`
    }
  }
  if (/socket hang up|other side closed/i.test(message))
    return { code: 'ConnectionError', message: 'the connection was closed before an answer came' }
  const named = /\b(ECONN(?:RESET|REFUSED))\b/.exec(message)?.[1]
  return named ? { code: named, message: NETWORK_WORDS[named] } : undefined
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
