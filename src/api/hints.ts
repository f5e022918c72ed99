/** What to check, by the error's code: the last words of every API error. */
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
    /^(InvalidTimeStamp\..*|RequestTimeTooSkewed|InvalidTimestamp.*|SignatureNonceUsed|IllegalTimestamp)$/,
    "check the runner's clock: requests are signed with its time, which must be within 15 minutes of the service's (is NTP running?)"
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
    /Throttling/,
    "the account's API rate quota is shared with other runs, the console and other tools; fewer concurrent builds or a higher quota leave more of it (about 40 waiting builds per call a second; a longer max-poll-interval helps the waits a little)"
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
    /^ProxyRefused\.HTTP407$/,
    'the proxy asks for credentials: give them in the proxy URL (https_proxy=http://user:password@host:port)'
  ],
  [
    /^ProxyRefused\./,
    'check HTTPS_PROXY / HTTP_PROXY, and that the proxy may reach the host; NO_PROXY lists hosts reached directly'
  ],
  [
    /^(RequestTimeout|ConnectionError|ECONN(RESET|REFUSED|ABORTED)|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|HPE_.*)$/,
    'check that the runner reaches the endpoint (region-id, endpoint, firewall, HTTPS_PROXY / NO_PROXY)'
  ]
]

export function hintFor(code: string): string | undefined {
  return HINTS.find(([pattern]) => pattern.test(code))?.[1]
}
