import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { createHash, createHmac, randomUUID } from 'node:crypto'
import { EcsEmulator, TEST_ACCESS_KEY_ID, TEST_PIPELINE_ID } from '../../tools/emulator/server.js'
import { percentEncode, verifyV3 } from '../../tools/emulator/signature.js'
import { call, codeOf } from './helpers.js'

const emulator = new EcsEmulator({
  credentials: {
    [TEST_ACCESS_KEY_ID]: { secret: 'emulator-test-secret-0123456789' },
    'STS.temporary': {
      secret: 'sts-secret',
      securityToken: 'sts-token-1',
      expiresAt: Date.now() + 3_600_000
    },
    'STS.expired': {
      secret: 'sts-secret',
      securityToken: 'sts-token-2',
      expiresAt: Date.now() - 1000
    }
  }
})
beforeAll(() => emulator.start())
afterAll(() => emulator.stop())

const describe = { ImagePipelineId: TEST_PIPELINE_ID }

test("the official client's V3 (ACS3-HMAC-SHA256) requests are accepted", async () => {
  const body = await call(emulator, 'DescribeImagePipelineExecutions', describe)
  expect(body).toHaveProperty('RequestId')
  expect(emulator.requests.at(-1)).toMatchObject({ style: 'V3', httpStatus: 200 })
})

test("the official client's V2 (HMAC-SHA1) requests are accepted", async () => {
  const body = await call(emulator, 'DescribeImagePipelineExecutions', describe, { v2: true })
  expect(body).toHaveProperty('RequestId')
  expect(emulator.requests.at(-1)).toMatchObject({ style: 'V2', httpStatus: 200 })
})

test.each([false, true])('a wrong secret is SignatureDoesNotMatch (v2: %s)', async (v2) => {
  expect(
    await codeOf(
      call(emulator, 'DescribeImagePipelineExecutions', describe, { secret: 'wrong', v2 })
    )
  ).toBe('SignatureDoesNotMatch')
})

test('an unknown key is InvalidAccessKeyId.NotFound', async () => {
  expect(
    await codeOf(
      call(emulator, 'DescribeImagePipelineExecutions', describe, { accessKeyId: 'LTAI-nobody' })
    )
  ).toBe('InvalidAccessKeyId.NotFound')
})

test('STS credentials: accepted with their token, rejected without it, or once expired', async () => {
  await call(emulator, 'DescribeImagePipelineExecutions', describe, {
    accessKeyId: 'STS.temporary',
    secret: 'sts-secret',
    securityToken: 'sts-token-1'
  })
  expect(
    await codeOf(
      call(emulator, 'DescribeImagePipelineExecutions', describe, {
        accessKeyId: 'STS.temporary',
        secret: 'sts-secret'
      })
    )
  ).toBe('InvalidSecurityToken.MismatchWithAccessKey')
  expect(
    await codeOf(
      call(emulator, 'DescribeImagePipelineExecutions', describe, {
        accessKeyId: 'STS.temporary',
        secret: 'sts-secret',
        securityToken: 'other'
      })
    )
  ).toBe('InvalidSecurityToken.MismatchWithAccessKey')
  expect(
    await codeOf(
      call(emulator, 'DescribeImagePipelineExecutions', describe, {
        accessKeyId: 'STS.expired',
        secret: 'sts-secret',
        securityToken: 'sts-token-2'
      })
    )
  ).toBe('InvalidSecurityToken.Expired')
})

test('a tampered request is rejected: the signature covers the query', () => {
  const secret = 's3cret'
  const request = {
    method: 'POST',
    path: '/',
    query: [['RegionId', 'cn-hangzhou']] as Array<[string, string]>,
    headers: {
      host: 'ecs.cn-hangzhou.aliyuncs.com',
      'x-acs-action': 'X',
      'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      authorization: ''
    } as Record<string, string>,
    body: Buffer.alloc(0)
  }
  // Sign it the documented way, then change the query.
  const signed = 'host;x-acs-action;x-acs-content-sha256'
  const canonical = [
    'POST',
    '/',
    'RegionId=cn-hangzhou',
    `host:${request.headers.host}\nx-acs-action:X\nx-acs-content-sha256:${request.headers['x-acs-content-sha256']}\n`,
    signed,
    request.headers['x-acs-content-sha256']
  ].join('\n')
  const signature = createHmac('sha256', secret)
    .update(`ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`)
    .digest('hex')
  request.headers.authorization = `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=${signed},Signature=${signature}`
  expect(verifyV3(request, () => secret)).toMatchObject({ ok: true, accessKeyId: 'AK' })
  expect(verifyV3({ ...request, query: [['RegionId', 'cn-beijing']] }, () => secret)).toMatchObject(
    { ok: false, code: 'SignatureDoesNotMatch' }
  )
  expect(
    verifyV3({ ...request, headers: { ...request.headers, 'x-acs-extra': '1' } }, () => secret)
  ).toMatchObject({ ok: false, code: 'IncompleteSignature' })
})

test('percentEncode follows RFC 3986', () => {
  expect(percentEncode("a b*c~d'!()/")).toBe('a%20b%2Ac~d%27%21%28%29%2F')
})

/** Signs a request by the documented V3 steps, independently of the SDK. */
function signedHeaders(
  query: string,
  nonce: string,
  secret = 'emulator-test-secret-0123456789'
): Record<string, string> {
  const host = emulator.endpoint.replace('http://', '')
  const headers: Record<string, string> = {
    host,
    'x-acs-action': 'DescribeImagePipelineExecutions',
    'x-acs-version': '2014-05-26',
    'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': nonce,
    'x-acs-content-sha256': createHash('sha256').update('').digest('hex')
  }
  const names = Object.keys(headers).sort()
  const canonical = [
    'POST',
    '/',
    query,
    names.map((n) => `${n}:${headers[n]}\n`).join(''),
    names.join(';'),
    headers['x-acs-content-sha256']
  ].join('\n')
  const signature = createHmac('sha256', secret)
    .update(`ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`)
    .digest('hex')
  return {
    ...headers,
    authorization: `ACS3-HMAC-SHA256 Credential=${TEST_ACCESS_KEY_ID},SignedHeaders=${names.join(';')},Signature=${signature}`
  }
}

test('a request signed by hand from the documented algorithm is accepted; its replay is refused', async () => {
  const query = `ImagePipelineId=${TEST_PIPELINE_ID}&RegionId=cn-hangzhou`
  const headers = signedHeaders(query, randomUUID())
  const first = await fetch(`${emulator.endpoint}/?${query}`, { method: 'POST', headers })
  expect(first.status).toBe(200)
  const replay = await fetch(`${emulator.endpoint}/?${query}`, { method: 'POST', headers })
  expect(replay.status).toBe(400)
  expect(((await replay.json()) as { Code: string }).Code).toBe('SignatureNonceUsed')
})

test('an unknown operation is InvalidAction.NotFound', async () => {
  expect(await codeOf(call(emulator, 'NoSuchAction', {}))).toBe('InvalidAction.NotFound')
})
