import { describe, expect, test } from '@jest/globals'
import { ApiError, hintFor, toApiError } from '../../src/api/errors.js'

/** The shape @alicloud/openapi-client throws for an HTTP error with a JSON body. */
function sdkError(statusCode: number, code: string, message = 'msg', requestId = 'REQ-1') {
  return Object.assign(
    new Error(`${code}: code: ${statusCode}, ${message} request id: ${requestId}`),
    {
      name: 'ResponseError',
      code,
      statusCode,
      data: { Code: code, Message: message, RequestId: requestId, statusCode }
    }
  )
}

describe('toApiError classifies', () => {
  test.each([
    ['Throttling.User (400)', sdkError(400, 'Throttling.User'), true, true],
    ['Throttling (429)', sdkError(429, 'Throttling'), true, true],
    ['Rejected.Throttling', sdkError(400, 'Rejected.Throttling'), true, true],
    ['ServiceUnavailable (503)', sdkError(503, 'ServiceUnavailable'), true, false],
    ['InternalError (500)', sdkError(500, 'InternalError'), true, false],
    ['any 502', sdkError(502, 'BadGateway'), true, false],
    ['SignatureDoesNotMatch', sdkError(400, 'SignatureDoesNotMatch'), false, false],
    ['InvalidAccessKeyId.NotFound', sdkError(404, 'InvalidAccessKeyId.NotFound'), false, false],
    ['InvalidImagePipeline.NotFound', sdkError(404, 'InvalidImagePipeline.NotFound'), false, false],
    ['Forbidden.RAM', sdkError(403, 'Forbidden.RAM'), false, false],
    [
      'an HTML page (SyntaxError)',
      new SyntaxError('Unexpected token < in JSON at position 0'),
      true,
      false
    ],
    ['a truncated body', new SyntaxError('Unexpected end of JSON input'), true, false],
    [
      'ECONNRESET',
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      true,
      false
    ],
    [
      'ECONNREFUSED',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      true,
      false
    ],
    ['socket hang up', new Error('socket hang up'), true, false],
    [
      'read time-out',
      Object.assign(new Error('ReadTimeout(3000)'), { name: 'RequestTimeoutError' }),
      true,
      false
    ],
    [
      'connect time-out',
      Object.assign(new Error('ConnectTimeout: Connect http://x failed.'), {
        name: 'RequestTimeoutError'
      }),
      true,
      false
    ],
    [
      'missing credentials',
      Object.assign(new Error('Please set up the credentials'), { code: 'InvalidCredentials' }),
      false,
      false
    ],
    ['a string', 'boom', false, false]
  ])('%s', (_name, thrown, transient, throttled) => {
    const error = toApiError('DescribeImagePipelineExecutions', thrown)
    expect(error.transient).toBe(transient)
    expect(error.throttled).toBe(throttled)
  })
})

test('an API error names operation, resource, code, message, RequestId and what to check', () => {
  const error = toApiError(
    'StartImagePipelineExecution',
    sdkError(404, 'InvalidImagePipeline.NotFound', 'The pipeline does not exist.', 'ABC-123'),
    'pipeline ip-x'
  )
  expect(error).toBeInstanceOf(ApiError)
  expect(error.message).toBe(
    'StartImagePipelineExecution (pipeline ip-x) failed: InvalidImagePipeline.NotFound: The pipeline does not exist. (RequestId: ABC-123). Check: check the image pipeline ID and that region-id is the region it lives in'
  )
  expect(error.requestId).toBe('ABC-123')
  expect(error.statusCode).toBe(404)
})

test.each([
  ['SignatureDoesNotMatch', /credentials/],
  ['InvalidAccessKeyId.NotFound', /credentials/],
  ['Forbidden.RAM', /ecs:StartImagePipelineExecution/],
  ['InvalidSecurityToken.Expired', /role-to-assume/],
  ['InvalidImagePipeline.HasRunningExecution', /if-running/],
  ['AuthenticationFail.OIDCToken.AudienceNotMatch', /trust policy/],
  ['EntityNotExist.Role', /role-to-assume/],
  ['RequestTimeout', /reaches the endpoint.*"ConnectTimeout"/],
  ['ECONNREFUSED', /reaches the endpoint/],
  ['ConnectionError', /reaches the endpoint/]
])('%s has a hint', (code, hint) => {
  expect(hintFor(code)).toMatch(hint)
})

test('an ApiError passes through unchanged', () => {
  const original = toApiError('X', sdkError(400, 'Y'))
  expect(toApiError('Z', original)).toBe(original)
})

test("an unparsable body is never quoted: the parser's words may hold a secret", () => {
  const thrown = new SyntaxError(`Unexpected token 'S', "SecretTok3n-abcdef" is not valid JSON`)
  const error = toApiError('AssumeRoleWithOIDC', thrown)
  expect(error.code).toBe('UnparsableResponse')
  expect(error.transient).toBe(true)
  expect(error.message).not.toContain('SecretTok3n')
})

test.each([
  'Throttling.Concurrent',
  'Throttling.User',
  'Flow.Throttling',
  'ServiceUnavailable.Throttling'
])('any code containing Throttling is throttling, and transient: %s', (code) => {
  const error = toApiError('Op', { data: { Code: code, Message: 'slow down', statusCode: 400 } })
  expect(error.throttled).toBe(true)
  expect(error.transient).toBe(true)
})

test('Recommend and AccessDeniedDetail are in the error: what a policy fix needs', () => {
  const error = toApiError('StartImagePipelineExecution', {
    data: {
      Code: 'Forbidden.RAM',
      Message: 'User not authorized to operate on the specified resource.',
      RequestId: 'REQ-9',
      Recommend: 'https://api.aliyun.com/troubleshoot?q=Forbidden.RAM',
      AccessDeniedDetail: {
        AuthAction: 'ecs:StartImagePipelineExecution',
        AuthPrincipalDisplayName: 'ci-role',
        NoPermissionType: 'ImplicitDeny'
      },
      statusCode: 403
    }
  })
  expect(error.message).toContain('Denied: AuthAction=ecs:StartImagePipelineExecution')
  expect(error.message).toContain('NoPermissionType=ImplicitDeny')
  expect(error.message).toContain('Recommend: https://api.aliyun.com/troubleshoot?q=Forbidden.RAM')
  expect(error.message).toContain('RequestId: REQ-9')
})
