/**
 * What the bundle leaves out, and must keep out: undici (which
 * @actions/http-client brings for a dispatcher the action never uses;
 * src/undici-stub.ts stands in for it), the
 * vendor's XML stack, and the vendor's SDKs and credentials library (test
 * oracles only). Each marker is checked to be really in what it marks.
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
  test.each(bundles)('%s holds none of undici', (bundle) => {
    const source = readFileSync(join(ROOT, bundle), 'utf8')
    for (const marker of undiciMarkers)
      expect([marker, source.includes(marker)]).toEqual([marker, false])
  })

  test('the stub (src/undici-stub.ts) throws a clear error if anything constructs a ProxyAgent', () => {
    expect(() => new ProxyAgent()).toThrow(/getAgentDispatcher\(\) is not available/)
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
})

describe("the vendor's SDKs, credentials library and XML stack are never bundled", () => {
  const markers: Array<[string, string]> = [
    ['@alicloud/ecs20140526/dist/client.js', 'describeImagePipelineExecutionsWithOptions'],
    ['@alicloud/openapi-client/dist/client.js', 'doROARequestWithForm'],
    ['@alicloud/credentials/dist/src/providers/ecs_ram_role.js', 'shouldFallbackToIMDSv1'],
    ['@alicloud/tea-xml/dist/client.js', 'parseXml'],
    ['xml2js/lib/parser.js', 'explicitCharkey'],
    ['sax/lib/sax.js', 'SAXParser']
  ]

  test.each(markers)('the marker is really in %s', (file, marker) => {
    expect(readFileSync(join(ROOT, 'node_modules', file), 'utf8')).toContain(marker)
  })

  test.each(bundles)('%s holds none of them', (bundle) => {
    const source = readFileSync(join(ROOT, bundle), 'utf8')
    for (const [file, marker] of markers)
      expect([file, source.includes(marker)]).toEqual([file, false])
  })
})
