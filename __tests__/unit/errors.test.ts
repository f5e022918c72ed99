/**
 * Classification by shape: an HTTP answer is the vendor's error object, a
 * result, or not the vendor's at all; a failed exchange is classified by its
 * kind. Never by searching text: a URL or a tag that says "JSON" changes
 * nothing.
 */
import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { readAnswer, retryAfterMs } from '../../src/api/answer.js'
import { ApiError, toApiError } from '../../src/api/errors.js'
import { hintFor } from '../../src/api/hints.js'
import { TransportError } from '../../src/net/errors.js'
import type { HttpResponse } from '../../src/net/exchange.js'

function answer(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return { status, headers, body: Buffer.from(text) }
}

function failure(response: HttpResponse): ApiError {
  try {
    readAnswer(response, { operation: 'Op', resource: 'pipeline ip-1' })
  } catch (error) {
    return error as ApiError
  }
  throw new Error('no failure')
}

describe('the vendor error object, whatever the status', () => {
  test.each([
    [400, 'Throttling.User', true, true],
    [429, 'Throttling', true, true],
    [400, 'Flow.Throttling', true, true],
    [503, 'ServiceUnavailable', true, false],
    [500, 'InternalError', true, false],
    [502, 'BadGateway', true, false],
    [400, 'SignatureDoesNotMatch', false, false],
    [404, 'InvalidImagePipeline.NotFound', false, false],
    [403, 'Forbidden.RAM', false, false],
    [200, 'Throttling.Concurrent', true, true],
    [200, 'InvalidParameter', false, false]
  ])('HTTP %s %s: transient %s, throttled %s', (status, code, transient, isThrottled) => {
    const error = failure(answer(status, { Code: code, Message: 'm', RequestId: 'R-1' }))
    expect(error).toMatchObject({ code, transient, throttled: isThrottled, requestId: 'R-1' })
  })

  test('it names operation, resource, code, message, RequestId, and what to check', () => {
    const error = failure(
      answer(404, {
        Code: 'InvalidImagePipeline.NotFound',
        Message: 'No such pipeline.',
        RequestId: 'ABC-123'
      })
    )
    expect(error.message).toBe(
      'Op (pipeline ip-1) failed: InvalidImagePipeline.NotFound: No such pipeline. (RequestId: ABC-123). Check: check the image pipeline ID and that region-id is the region it lives in'
    )
    expect(error.statusCode).toBe(404)
  })

  test('Recommend and AccessDeniedDetail are in the error: what a policy fix needs', () => {
    const error = failure(
      answer(403, {
        Code: 'Forbidden.RAM',
        Message: 'User not authorized to operate on the specified resource.',
        RequestId: 'REQ-9',
        Recommend: 'https://api.aliyun.com/troubleshoot?q=Forbidden.RAM',
        AccessDeniedDetail: {
          AuthAction: 'ecs:StartImagePipelineExecution',
          NoPermissionType: 'ImplicitDeny'
        }
      })
    )
    expect(error.message).toContain(
      'Denied: AuthAction=ecs:StartImagePipelineExecution, NoPermissionType=ImplicitDeny'
    )
    expect(error.message).toContain(
      'Recommend: https://api.aliyun.com/troubleshoot?q=Forbidden.RAM'
    )
  })
})

describe('an answer nested past any use', () => {
  const deep = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`

  test.each([
    [403, false],
    [503, true]
  ])(
    'HTTP %s whose AccessDeniedDetail nests 20,000 deep: an error by its status, never a RangeError',
    (status, transient) => {
      const body = `{"Code":"Forbidden.RAM","Message":"m","RequestId":"R-1","AccessDeniedDetail":{"AuthAction":${deep(20_000)}}}`
      const error = failure(answer(status, body, { 'x-acs-request-id': 'R-1' }))
      expect(error).toBeInstanceOf(ApiError)
      expect(error).toMatchObject({ statusCode: status, transient, requestId: 'R-1' })
    }
  )
})

describe("an answer that is not the vendor's", () => {
  test.each([
    ['a JSON null', 503, 'null', true, 'HTTP 503, with a JSON null'],
    ['a JSON array', 502, '[]', true, 'HTTP 502, with a JSON array'],
    ['a JSON string', 504, '"Bad Gateway"', true, 'HTTP 504, with a JSON string'],
    ['an HTML page', 502, '<html>Bad Gateway</html>', true, 'HTTP 502, with an HTML page'],
    ['an XML page', 500, '<Error><Code>X</Code></Error>', true, 'HTTP 500, with an XML document'],
    ['no body', 503, '', true, 'HTTP 503, with no body'],
    ['a 429 page', 429, 'slow down', true, 'HTTP 429, with a body'],
    ['a proxy 404', 404, '<html>not here</html>', false, 'HTTP 404, with an HTML page'],
    ['a 200 with null', 200, 'null', true, 'HTTP 200 with a JSON null'],
    ['a cut 200', 200, '{"ImagePipeline', true, 'HTTP 200 with a body']
  ])('%s', (_what, status, body, transient, words) => {
    const type = body.startsWith('<html')
      ? 'text/html'
      : body.startsWith('<Error')
        ? 'text/xml'
        : 'text/plain'
    const error = failure(answer(status, body, { 'content-type': type }))
    expect(error.transient).toBe(transient)
    expect(error.throttled).toBe(status === 429)
    expect(error.message).toContain(words)
    expect(error.message).not.toContain('undefined')
  })

  test('a JSON 5xx without a Code reads as its status, never "undefined"', () => {
    const error = failure(answer(500, { Message: 'boom' }))
    expect(error.code).toBe('HTTP500')
    expect(error.message).not.toContain('undefined')
  })
})

const MARK = 'SeCrEt-BoDy'
/** Bodies of every shape, each holding MARK where no field the error shows would carry it. */
const bodies = fc.oneof(
  fc.string().map((text) => `${MARK}${text}`),
  fc.array(fc.jsonValue()).map((items) => JSON.stringify([MARK, ...items])),
  fc
    .dictionary(fc.string(), fc.jsonValue())
    .map((fields) => JSON.stringify({ ...fields, Hidden: MARK })),
  fc.constantFrom('null', '"x"', '12', '<html>x</html>')
)

test('any status and any body: an ApiError, or the result object; the body is never quoted', () => {
  fc.assert(
    fc.property(fc.integer({ min: 100, max: 599 }), bodies, (status, body) => {
      let result: unknown
      try {
        result = readAnswer(answer(status, body), { operation: 'Op' })
      } catch (error) {
        expect(error).toBeInstanceOf(ApiError)
        if (status >= 500 || status === 429) expect((error as ApiError).transient).toBe(true)
        expect((error as ApiError).message).not.toContain(MARK)
        return
      }
      expect(status).toBeGreaterThanOrEqual(200)
      expect(status).toBeLessThan(300)
      expect(typeof result).toBe('object')
    })
  )
})

test('x-acs-retry-after is milliseconds, bounded as the vendor bounds it', () => {
  expect(retryAfterMs({ headers: { 'x-acs-retry-after': '7000' } })).toBe(7000)
  expect(retryAfterMs({ headers: { 'x-acs-retry-after': '9999999' } })).toBe(120_000)
  expect(retryAfterMs({ headers: { 'x-acs-retry-after': 'soon' } })).toBeUndefined()
  expect(retryAfterMs({ headers: { 'x-acs-retry-after': '-5' } })).toBeUndefined()
  const error = failure(answer(400, { Code: 'Throttling.User' }, { 'x-acs-retry-after': '7000' }))
  expect(error.retryAfterMs).toBe(7000)
})

describe('a failed exchange, by its kind', () => {
  test.each([
    ['network', 'ECONNREFUSED', true],
    ['timeout', 'RequestTimeout', true],
    ['framing', 'HPE_UNEXPECTED_CONTENT_LENGTH', true],
    ['encoding', 'BadEncoding', true],
    ['tls', 'SELF_SIGNED_CERT_IN_CHAIN', false],
    ['too-large', 'ResponseTooLarge', false],
    ['aborted', 'RequestAborted', false]
  ] as const)('%s (%s): transient %s', (kind, code, transient) => {
    const error = toApiError(
      'Op',
      new TransportError({ kind, code, reached: true }, `${kind} words`),
      undefined,
      'STS at sts.example.com'
    )
    expect(error).toMatchObject({ code, transient })
    expect(error.message).toContain('(STS at sts.example.com)')
  })

  test('a URL or a tag that says JSON changes nothing: a network error is a network error', () => {
    const error = toApiError(
      'AssumeRoleWithOIDC',
      new TransportError(
        { kind: 'network', code: 'ECONNREFUSED', reached: false },
        'the connection was refused'
      ),
      undefined,
      'STS at sts.example.com/?Format=JSON'
    )
    expect(error.code).toBe('ECONNREFUSED')
    expect(error.message).not.toMatch(/could not be parsed/)
  })

  test('a proxy that refuses is named, and a 407 says to give credentials', () => {
    const error = toApiError(
      'Op',
      new TransportError(
        {
          kind: 'proxy',
          code: 'HTTP407',
          reached: false,
          proxy: 'http://proxy:3128',
          proxyStatus: 407
        },
        'the proxy http://proxy:3128 refused to connect to the host (HTTP 407)'
      ),
      undefined,
      'ECS at ecs.cn-hangzhou.aliyuncs.com'
    )
    expect(error.code).toBe('ProxyRefused.HTTP407')
    expect(error.transient).toBe(false)
    expect(error.message).toMatch(
      /through the proxy http:\/\/proxy:3128.*Check: the proxy asks for credentials/
    )
  })

  test('anything else thrown is final, with its own words', () => {
    expect(toApiError('Op', 'boom')).toMatchObject({ transient: false, apiMessage: 'boom' })
  })
})

test.each([
  ['SignatureDoesNotMatch', /credentials/],
  ['InvalidAccessKeyId.NotFound', /credentials/],
  ['Forbidden.RAM', /ecs:StartImagePipelineExecution/],
  ['InvalidSecurityToken.Expired', /role-to-assume/],
  ['InvalidImagePipeline.HasRunningExecution', /if-running/],
  ['AuthenticationFail.OIDCToken.AudienceNotMatch', /trust policy/],
  ['EntityNotExist.Role', /role-to-assume/],
  ['InvalidTimeStamp.Expired', /runner's clock/],
  ['SignatureNonceUsed', /runner's clock/],
  ['Throttling.User', /quota is shared/],
  ['RequestTimeout', /reaches the endpoint/],
  ['ECONNREFUSED', /reaches the endpoint/],
  ['ProxyRefused.HTTP502', /HTTPS_PROXY/]
])('%s has a hint', (code, hint) => {
  expect(hintFor(code)).toMatch(hint)
})

test('a throttled start is never told to raise poll-interval: that does nothing for a start', () => {
  expect(hintFor('Throttling.User')).not.toMatch(/raise poll-interval/)
})

test('an ApiError passes through unchanged', () => {
  const original = failure(answer(400, { Code: 'Y' }))
  expect(toApiError('Z', original)).toBe(original)
})
