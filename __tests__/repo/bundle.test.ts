/**
 * The bundle leaves undici out (src/undici-stub.ts stands in for it), and the
 * stub fails loudly if anything ever reaches it.
 */
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { ROOT } from '../../tools/launcher.js'
import { ProxyAgent } from '../../src/undici-stub.js'

const bundles = ['dist/index.js', 'dist/post/index.js']
/** The undici that @actions/http-client would bundle. */
const undiciRoot = dirname(
  createRequire(join(ROOT, 'node_modules/@actions/http-client/package.json')).resolve('undici')
)
// What real undici always brings: its diagnostics channels and its WebAssembly HTTP parser.
const undiciMarkers = ['undici:request:create', 'llhttp']

describe('dist/ without undici', () => {
  test.each(bundles)('%s holds the stub and none of undici', (bundle) => {
    const source = readFileSync(join(ROOT, bundle), 'utf8')
    // Missing once @actions/http-client stops importing undici (actions/toolkit#1800):
    // then delete src/undici-stub.ts and the `paths` entry in tsconfig.json.
    const stub = 'the stub stands in for an undici import'
    expect([stub, source.includes('undici is not bundled with this action')]).toEqual([stub, true])
    for (const marker of undiciMarkers)
      expect([marker, source.includes(marker)]).toEqual([marker, false])
  })

  test('the markers are really in undici, so their absence means something', () => {
    const undici = readFileSync(join(undiciRoot, 'lib/core/diagnostics.js'), 'utf8')
    expect(undici).toContain(undiciMarkers[0])
    const client = readFileSync(
      join(ROOT, 'node_modules/undici/lib/dispatcher/client-h1.js'),
      'utf8'
    )
    expect(client).toContain(undiciMarkers[1])
  })

  test('the stub throws a clear error if anything constructs a ProxyAgent', () => {
    expect(() => new ProxyAgent()).toThrow(/getAgentDispatcher\(\) is not available/)
  })
})

describe("the vendor's SDKs are test oracles, never bundled", () => {
  const marker = 'describeImagePipelineExecutionsWithOptions'

  test('the marker is really in @alicloud/ecs20140526', () => {
    const sdk = readFileSync(
      join(ROOT, 'node_modules/@alicloud/ecs20140526/dist/client.js'),
      'utf8'
    )
    expect(sdk).toContain(marker)
  })

  test.each(bundles)('%s holds none of it', (bundle) => {
    expect(readFileSync(join(ROOT, bundle), 'utf8').includes(marker)).toBe(false)
  })
})
