/**
 * What the bundle leaves out, and must keep out: the packages src/stubs/
 * stands in for (undici, @actions/http-client's entry, @actions/exec,
 * @alicloud/tea-typescript with its httpx transport), the vendor's XML stack,
 * and the vendor's SDKs and credentials library (test oracles only). Each
 * marker is checked to be really in what it marks, so its absence means
 * something; each stub throws if anything ever reaches it.
 */
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../../tools/launcher.js'
import { exec, getExecOutput } from '../../src/stubs/exec.js'
import { HttpClient } from '../../src/stubs/http-client.js'
import { Model, toMap } from '../../src/stubs/tea-typescript.js'
import { ProxyAgent } from '../../src/stubs/undici.js'

const bundles = ['dist/index.js', 'dist/post/index.js']

/** A file in node_modules, and a string only it holds. */
const markers: Array<[string, string]> = [
  ['undici/lib/core/diagnostics.js', 'undici:request:create'],
  ['@actions/http-client/lib/index.js', 'getAgentDispatcher'],
  ['@actions/exec/lib/toolrunner.js', 'class ToolRunner'],
  ['@alicloud/tea-typescript/dist/tea.js', 'isRetryable'],
  ['httpx/lib/index.js', 'beforeRequest'],
  ['@alicloud/ecs20140526/dist/client.js', 'describeImagePipelineExecutionsWithOptions'],
  ['@alicloud/openapi-client/dist/client.js', 'doROARequestWithForm'],
  ['@alicloud/credentials/dist/src/providers/ecs_ram_role.js', 'shouldFallbackToIMDSv1'],
  ['@alicloud/tea-xml/dist/client.js', 'parseXml'],
  ['xml2js/lib/parser.js', 'explicitCharkey'],
  ['sax/lib/sax.js', 'SAXParser']
]

describe('what dist/ leaves out', () => {
  test.each(markers)('the marker is really in %s', (file, marker) => {
    const path = join(ROOT, 'node_modules', file)
    expect(readFileSync(path, 'utf8')).toContain(marker)
  })

  test.each(bundles)('%s holds none of them', (bundle) => {
    const source = readFileSync(join(ROOT, bundle), 'utf8')
    for (const [file, marker] of markers)
      expect([file, source.includes(marker)]).toEqual([file, false])
  })
})

test('each stub throws a clear error if anything reaches it', () => {
  expect(() => new ProxyAgent()).toThrow(/getAgentDispatcher\(\) is not available/)
  expect(() => new HttpClient()).toThrow(/core.getIDToken is not available/)
  expect(() => exec()).toThrow(/@actions\/exec is not bundled/)
  expect(() => getExecOutput()).toThrow(/@actions\/exec is not bundled/)
  expect(() => toMap()).toThrow(/tea-typescript is not bundled/)
  expect(new Model({ a: 1 })).toMatchObject({ a: 1 })
})
