/**
 * ECS RPC calls, as the vendor's client sends them: the request that
 * @alicloud/openapi-client's `doRequest` builds for an RPC operation (POST,
 * parameters in the query, the `x-acs-*` headers), signed ACS3-HMAC-SHA256 by
 * the vendor's own signing code (@alicloud/openapi-util `getAuthorization`,
 * which that client calls), and sent through the action's one bounded exchange
 * (net/exchange.ts) instead of the client's transport, which honours no proxy
 * and no time limit of ours. __tests__/contract/ecs-wire.test.ts compares the
 * requests with @alicloud/ecs20140526's, field for field; the emulator checks
 * every signature. The answer is read by its shape (api/answer.ts).
 */
import * as openapiUtil from '@alicloud/openapi-util'
import * as teaUtil from '@alicloud/tea-util'
import { stringify } from 'node:querystring'
import { readAnswer, serverTime } from '../api/answer.js'
import { toApiError } from '../api/errors.js'
import { text } from '../api/parse.js'
import type { CredentialProvider, Credentials } from '../credentials/provider.js'
import type { Log } from '../log.js'
import { exchange, type HttpRequest, type Router } from '../net/exchange.js'

interface RpcClientOptions {
  /** Host (and port), without scheme. */
  endpoint: string
  protocol: 'https' | 'http'
  version: string
  credential: CredentialProvider
  route: Router
  log: Log
  userAgent?: string
}

/** The answer's body, and the service's clock when it answered (its Date header). */
interface RpcAnswer {
  body: Record<string, unknown>
  serverTime?: number
}

export type RpcCall = (
  action: string,
  params: Record<string, string>,
  resource?: string
) => Promise<RpcAnswer>

const ALGORITHM = 'ACS3-HMAC-SHA256'
/** One ECS exchange's own limit: the vendor's client reads an answer for 10 s at most. */
const ECS_EXCHANGE_MS = 10_000

/** The vendor's packages are CommonJS with `exports.default`: Node's loader and a bundler differ. */
function vendor<T>(module: unknown): T {
  const candidate = (module as { default: T | { default: T } }).default
  return ((candidate as { default?: T }).default ?? candidate) as T
}

interface OpenApiUtil {
  getAuthorization(
    request: unknown,
    algorithm: string,
    payload: string,
    id: string,
    secret: string
  ): string
  getTimestamp(): string
  hash(raw: Buffer, algorithm: string): Buffer
  hexEncode(raw: Buffer): string
}
interface TeaUtil {
  getNonce(): string
  getUserAgent(userAgent?: string): string
}

const signing = vendor<OpenApiUtil>(openapiUtil)
const tea = vendor<TeaUtil>(teaUtil)
const EMPTY_PAYLOAD = signing.hexEncode(signing.hash(Buffer.from(''), ALGORITHM))

/** The signed request for one RPC call, header for header as openapi-client's doRequest makes it. */
function signedRequest(
  options: Pick<RpcClientOptions, 'endpoint' | 'protocol' | 'version' | 'userAgent'>,
  action: string,
  query: Record<string, string>,
  credentials: Credentials
): HttpRequest {
  const headers: Record<string, string> = {
    host: options.endpoint,
    'x-acs-version': options.version,
    'x-acs-action': action,
    'user-agent': tea.getUserAgent(options.userAgent),
    'x-acs-date': signing.getTimestamp(),
    'x-acs-signature-nonce': tea.getNonce(),
    accept: 'application/json',
    'x-acs-content-sha256': EMPTY_PAYLOAD
  }
  if (credentials.providerName) headers['x-acs-credentials-provider'] = credentials.providerName
  if (credentials.securityToken) {
    headers['x-acs-accesskey-id'] = credentials.accessKeyId
    headers['x-acs-security-token'] = credentials.securityToken
  }
  headers.Authorization = signing.getAuthorization(
    { pathname: '/', method: 'POST', query, headers },
    ALGORITHM,
    EMPTY_PAYLOAD,
    credentials.accessKeyId,
    credentials.accessKeySecret
  )
  const search = stringify(query)
  return {
    method: 'POST',
    url: new URL(`${options.protocol}://${options.endpoint}/${search ? `?${search}` : ''}`),
    headers,
    limitMs: ECS_EXCHANGE_MS
  }
}

export function createRpcClient(options: RpcClientOptions): RpcCall {
  const where = `ECS at ${options.endpoint}`
  return async (action, params, resource) => {
    options.log.debug(`→ ${action} ${JSON.stringify(params)}`)
    try {
      const credentials = await options.credential.getCredential()
      const response = await exchange(
        signedRequest(options, action, params, credentials),
        options.route
      )
      const body = readAnswer(response, { operation: action, resource })
      options.log.debug(
        `← ${action} HTTP ${response.status} RequestId ${text(body.RequestId) ?? '-'}`
      )
      return { body, serverTime: serverTime(response) }
    } catch (thrown) {
      const error = toApiError(action, thrown, resource, where)
      options.log.debug(
        `← ${action} ${error.code}${error.requestId ? ` RequestId ${error.requestId}` : ''}`
      )
      throw error
    }
  }
}
