/**
 * The one file that owns @alicloud/openapi-client: it builds clients and makes
 * RPC calls (signed with ACS3-HMAC-SHA256, or anonymous for STS's
 * AssumeRoleWithOIDC), with both time-outs set, the SDK's own retries off, and
 * every failure turned into an ApiError. Retry policy is ours (retry.ts).
 */
import * as openapi from '@alicloud/openapi-client'
import type { Log } from '../log.js'
import { toApiError } from './errors.js'
import { record, text } from './parse.js'
import type { CredentialProvider } from '../credentials/provider.js'
import { bounded } from './exchange.js'

export interface RpcClientOptions {
  /** Host (and port), without scheme. */
  endpoint: string
  protocol: 'https' | 'http'
  version: string
  /** Absent: anonymous calls only. */
  credential?: CredentialProvider
  regionId?: string
  log: Log
  readTimeoutMs?: number
  connectTimeoutMs?: number
  userAgent?: string
}

export type RpcCall = (
  action: string,
  params: Record<string, string>,
  options?: { resource?: string; anonymous?: boolean; body?: boolean }
) => Promise<Record<string, unknown>>

/**
 * The SDK's transport (httpx) also sets the connect time-out as the socket's idle
 * time-out for the whole exchange: a response that stalls that long fails too,
 * reported as "ConnectTimeout" (pinned by __tests__/emulator/client.test.ts).
 */
export const DEFAULT_READ_TIMEOUT_MS = 10_000
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000
const EXPIRED_TOKEN = new Set(['InvalidSecurityToken.Expired', 'SecurityTokenExpired'])

/**
 * The fields of tea-util's RuntimeOptions the client reads. A plain object does:
 * importing tea-util itself would bundle moment and moment-timezone (+300 KiB,
 * a slower start) for a data class.
 */
interface RuntimeOptions {
  autoretry: boolean
  maxAttempts: number
  readTimeout: number
  connectTimeout: number
}

type ClientClass = new (config: openapi.Config) => {
  callApi(
    params: openapi.Params,
    request: openapi.OpenApiRequest,
    runtime: RuntimeOptions
  ): Promise<unknown>
}

/**
 * The SDK is CommonJS with `exports.default = Client`: Node's ESM loader hands us
 * module.exports as the default, a bundler hands us Client itself.
 */
function clientClass(): ClientClass {
  const candidate = (openapi as unknown as { default: ClientClass | { default: ClientClass } })
    .default
  return typeof candidate === 'function' ? candidate : candidate.default
}

type Sdk = InstanceType<ClientClass>

function createSdk(options: RpcClientOptions): { sdk: Sdk; runtime: RuntimeOptions } {
  const readTimeout = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS
  const connectTimeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  const sdk = new (clientClass())(
    new openapi.Config({
      // A provider object is the only credential the client gets: it never falls
      // back to the SDK's default chain, which may probe instance metadata.
      credential: options.credential as never,
      endpoint: options.endpoint,
      protocol: options.protocol,
      regionId: options.regionId,
      readTimeout,
      connectTimeout,
      userAgent: options.userAgent
    })
  )
  return { sdk, runtime: { autoretry: false, maxAttempts: 1, readTimeout, connectTimeout } }
}

/** One exchange through the SDK; the body, parsed. */
async function callOnce(
  { sdk, runtime }: { sdk: Sdk; runtime: RuntimeOptions },
  options: RpcClientOptions,
  action: string,
  params: Record<string, string>,
  { anonymous, body }: { anonymous: boolean; body: boolean }
): Promise<Record<string, unknown>> {
  const request = new openapi.OpenApiRequest(body ? { body: params } : { query: params })
  const call = (): Promise<unknown> =>
    sdk.callApi(
      new openapi.Params({
        action,
        version: options.version,
        protocol: options.protocol.toUpperCase(),
        pathname: '/',
        method: 'POST',
        authType: anonymous ? 'Anonymous' : 'AK',
        style: 'RPC',
        reqBodyType: 'formData',
        bodyType: 'json'
      }),
      request,
      runtime
    )
  // The action bounds the exchange itself (exchange.ts), whatever the SDK's timers do.
  const response = (await bounded(call)) as { body?: unknown; statusCode?: number }
  const result = record(response.body)
  options.log.debug(
    `← ${action} HTTP ${response.statusCode} RequestId ${text(result.RequestId) ?? '-'}`
  )
  // An error body in a 200 answer is an error all the same (docs/api-notes.md).
  if (typeof result.Code === 'string' && result.Code !== '' && result.Code !== '200')
    throw { data: { ...result, statusCode: response.statusCode } }
  return result
}

export function createRpcClient(options: RpcClientOptions): RpcCall {
  const client = createSdk(options)
  return async (action, params, { resource, anonymous = false, body = false } = {}) => {
    options.log.debug(`→ ${action} ${body ? '(parameters in the body)' : JSON.stringify(params)}`)
    for (let renewed = false; ; renewed = true) {
      try {
        return await callOnce(client, options, action, params, { anonymous, body })
      } catch (thrown) {
        const error = toApiError(action, thrown, resource)
        options.log.debug(
          `← ${action} ${error.code}${error.requestId ? ` RequestId ${error.requestId}` : ''}`
        )
        // Refreshed credentials can still be refused if clocks disagree: renew once.
        if (!renewed && EXPIRED_TOKEN.has(error.code) && options.credential?.invalidate?.()) {
          options.log.info(`${action}: the security token was refused as expired; renewing it.`)
          continue
        }
        throw error
      }
    }
  }
}
