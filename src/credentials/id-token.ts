/**
 * The job's GitHub ID token, asked for as @actions/core's `getIDToken` asks
 * (GET the runner's ACTIONS_ID_TOKEN_REQUEST_URL with `&audience=`, a bearer
 * request token, `{ "value": <token> }` back), but through the action's one
 * bounded exchange: `getIDToken` has no time limit and retries on its own
 * schedule. __tests__/contract/id-token.test.ts compares the two requests.
 */
import { ApiError, toApiError } from '../api/errors.js'
import { record, whole } from '../api/parse.js'
import { exchange, type Router } from '../net/exchange.js'
import { parseJson } from '../net/json.js'

export interface IdTokenSource {
  /** ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, as the runner sets them. */
  requestUrl: string
  requestToken: string
  audience: string
}

const OPERATION = 'GetIDToken'

export async function requestIdToken(source: IdTokenSource, route: Router): Promise<string> {
  const url = new URL(`${source.requestUrl}&audience=${encodeURIComponent(source.audience)}`)
  const where = `GitHub's ID token service at ${url.host}`
  let status: number
  let body: Buffer
  try {
    ;({ status, body } = await exchange(
      {
        method: 'GET',
        url,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${source.requestToken}`,
          'user-agent': 'actions/oidc-client'
        }
      },
      route
    ))
  } catch (error) {
    throw toApiError(OPERATION, error, undefined, where)
  }
  const token = status === 200 ? whole(record(parse(body)).value) : undefined
  if (token) return token
  throw new ApiError({
    operation: OPERATION,
    code: status === 200 ? 'UnparsableResponse' : `HTTP${status}`,
    message: `${where} answered HTTP ${status}${status === 200 ? ' without a token' : ''}; check that the job has "permissions: id-token: write"`,
    statusCode: status,
    transient: status === 200 || status === 429 || status >= 500,
    throttled: status === 429
  })
}

function parse(body: Buffer): unknown {
  try {
    return parseJson(body)
  } catch {
    return undefined
  }
}
