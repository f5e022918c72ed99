/**
 * STS AssumeRoleWithOIDC, field for field as the vendor's credentials library
 * (@alicloud/credentials) builds it: its provider is asked for credentials with
 * its transport replaced by a recorder, and its request is compared with ours.
 */
import { expect, test } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OIDCRoleArnCredentialsProvider from '@alicloud/credentials/dist/src/providers/oidc_role_arn.js'
import type { Request } from '@alicloud/credentials/dist/src/providers/http.js'
import { assumeRoleRequest } from '../../src/credentials/sts.js'

const params = {
  roleArn: 'acs:ram::1234567890:role/ci',
  providerArn: 'acs:ram::1234567890:oidc-provider/github',
  oidcToken: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm8vcjpyZWY6cmVmcy9oZWFkcy9tYWluIn0.c2ln',
  sessionName: 'github-42-1',
  durationSeconds: 3600
}

interface VendorBuilder {
  withRoleArn(value: string): VendorBuilder
  withOIDCProviderArn(value: string): VendorBuilder
  withOIDCTokenFilePath(value: string): VendorBuilder
  withRoleSessionName(value: string): VendorBuilder
  withDurationSeconds(value: number): VendorBuilder
  withStsEndpoint(value: string): VendorBuilder
  build(): { getCredentials(): Promise<unknown> }
}

async function vendorRequest(): Promise<Request> {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-'))
  const tokenFile = join(dir, 'token')
  writeFileSync(tokenFile, params.oidcToken)
  // CommonJS with `exports.default`: Node's ESM loader may nest it once more.
  const loaded = OIDCRoleArnCredentialsProvider as unknown as { default?: unknown }
  const Provider = (
    typeof loaded.default === 'function'
      ? loaded.default
      : ((loaded.default as { default?: unknown } | undefined)?.default ?? loaded)
  ) as { builder(): VendorBuilder }
  const provider = Provider.builder()
    .withRoleArn(params.roleArn)
    .withOIDCProviderArn(params.providerArn)
    .withOIDCTokenFilePath(tokenFile)
    .withRoleSessionName(params.sessionName)
    .withDurationSeconds(params.durationSeconds)
    .withStsEndpoint('sts.aliyuncs.com')
    .build()
  let captured: Request | undefined
  ;(provider as unknown as { doRequest: (request: Request) => Promise<unknown> }).doRequest =
    async (request) => {
      captured = request
      return {
        statusCode: 200,
        body: Buffer.from(
          JSON.stringify({
            Credentials: {
              AccessKeyId: 'STS.x',
              AccessKeySecret: 's',
              SecurityToken: 't',
              Expiration: '2099-01-01T00:00:00Z'
            }
          })
        )
      }
    }
  await provider.getCredentials()
  return captured!
}

function comparable(request: Request) {
  const { Timestamp, ...queries } = request.queries
  return {
    method: request.method,
    protocol: request.protocol,
    host: request.host,
    path: request.path,
    queries,
    timestampShape: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(Timestamp),
    headers: request.headers,
    bodyForm: request.bodyForm
  }
}

test("our AssumeRoleWithOIDC request is the credentials library's, but for the time", async () => {
  const theirs = comparable(await vendorRequest())
  const ours = comparable(
    assumeRoleRequest({ host: 'sts.aliyuncs.com', protocol: 'https' }, params)
  )
  expect(ours).toEqual(theirs)
  expect(ours.queries).toEqual({
    Version: '2015-04-01',
    Action: 'AssumeRoleWithOIDC',
    Format: 'JSON'
  })
  expect(ours.timestampShape).toBe(true)
})

test('the OIDC token travels in the body, never in the URL', () => {
  const request = assumeRoleRequest({ host: 'sts.aliyuncs.com', protocol: 'https' }, params)
  expect(request.toRequestURL()).not.toContain(params.oidcToken.slice(0, 20))
  expect(request.bodyForm.OIDCToken).toBe(params.oidcToken)
})
