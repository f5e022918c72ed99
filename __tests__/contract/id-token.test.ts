/**
 * The GitHub ID-token request (src/credentials/id-token.ts) is the one
 * @actions/core's getIDToken sends, field for field: both are captured by a
 * server on 127.0.0.1. Ours goes through the action's bounded exchange instead.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import * as core from '@actions/core'
import { ScriptedServer } from '../../__fixtures__/scripted-server.js'
import { requestIdToken } from '../../src/credentials/id-token.js'
import { createRouter } from '../../src/net/proxy.js'

const server = new ScriptedServer([{ status: 200, body: { value: 'id-token' } }])
const saved = { ...process.env }
beforeAll(() => server.start())
afterAll(async () => {
  process.env = saved
  await server.stop()
})

/** What a service sees of a request: method, path and query, and the headers that carry meaning. */
function seen(index: number) {
  const request = server.requests[index]
  const { accept, authorization } = request.headers
  return {
    method: request.method,
    url: request.url,
    accept,
    authorization,
    userAgent: request.headers['user-agent']
  }
}

test("ours is @actions/core's getIDToken request, and reads the same answer", async () => {
  const requestUrl = `http://${server.host}/_apis/distributedtask/token?api-version=2.0`
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = requestUrl
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'runtime-bearer'
  const theirs = await core.getIDToken('sts.aliyuncs.com')
  const ours = await requestIdToken(
    { requestUrl, requestToken: 'runtime-bearer', audience: 'sts.aliyuncs.com' },
    createRouter(() => undefined)
  )
  expect(ours).toBe(theirs)
  expect(seen(1)).toEqual(seen(0))
  expect(seen(1).url).toBe('/_apis/distributedtask/token?api-version=2.0&audience=sts.aliyuncs.com')
})
