/** Calls the emulator through the official client, signed V3 (default) or V2 (HMAC-SHA1). */
import * as openapi from '@alicloud/openapi-client'
import {
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET,
  type EcsEmulator
} from '../../tools/emulator/server.js'

type ClientClass = new (config: openapi.Config) => {
  callApi(
    params: openapi.Params,
    request: openapi.OpenApiRequest,
    runtime: object
  ): Promise<{ body: Record<string, unknown> }>
}
const Client =
  (
    (openapi as unknown as { default: ClientClass | { default: ClientClass } }).default as {
      default?: ClientClass
    }
  ).default ?? (openapi as unknown as { default: ClientClass }).default

export interface CallOptions {
  accessKeyId?: string
  secret?: string
  securityToken?: string
  v2?: boolean
  regionId?: string
}

export async function call(
  emulator: EcsEmulator,
  action: string,
  query: Record<string, string>,
  options: CallOptions = {}
): Promise<Record<string, unknown>> {
  const client = new Client(
    new openapi.Config({
      accessKeyId: options.accessKeyId ?? TEST_ACCESS_KEY_ID,
      accessKeySecret: options.secret ?? TEST_ACCESS_KEY_SECRET,
      securityToken: options.securityToken,
      endpoint: emulator.endpoint.replace('http://', ''),
      protocol: 'http',
      regionId: 'cn-hangzhou',
      signatureAlgorithm: options.v2 ? 'v2' : undefined,
      readTimeout: 3000,
      connectTimeout: 3000
    })
  )
  const params = new openapi.Params({
    action,
    version: '2014-05-26',
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json'
  })
  const response = await client.callApi(
    params,
    new openapi.OpenApiRequest({
      query: { RegionId: options.regionId ?? 'cn-hangzhou', ...query }
    }),
    { autoretry: false, readTimeout: 3000, connectTimeout: 3000 }
  )
  return response.body
}

/** The error code a call fails with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return String((error as { code?: string }).code ?? (error as Error).name)
  }
  return 'no error'
}
