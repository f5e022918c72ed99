import { expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parseExecutions, parsePipelines } from '../../src/ecs/client.js'
import { text } from '../../src/api/parse.js'

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../__fixtures__/api/${name}`, import.meta.url), 'utf8'))

test.each([
  [undefined, undefined],
  [null, undefined],
  ['', undefined],
  ['null', undefined],
  ['NULL', undefined],
  [' x ', 'x'],
  [42, '42']
])('text(%p) is %p', (value, expected) => {
  expect(text(value)).toBe(expected)
})

test('the vendor sample response parses, "null" tags dropped', () => {
  expect(parseExecutions(fixture('describe-executions.json'))).toEqual([
    {
      executionId: 'exec-5fb8facb8ed7427cxxxx',
      pipelineId: 'ip-2ze5tsl5bp6nf2b3xxxx',
      status: 'BUILDING',
      imageId: 'm-bp67acfmxazb4pxxxx',
      message: 'Create transition vpc "vpc-2ze70rc7093j9idu6xxxx" success!',
      creationTime: '2020-11-24T06:00:00Z',
      modifiedTime: '2020-11-25T06:00:00Z',
      tags: []
    }
  ])
})

test('quirks: "null" strings, lower-case status, a lone tag object, items without an ID', () => {
  const [first, second, ...rest] = parseExecutions(fixture('describe-executions-quirks.json'))
  expect(first).toMatchObject({
    executionId: 'exec-aaaa',
    status: 'BUILDING',
    imageId: undefined,
    message: undefined,
    modifiedTime: undefined,
    tags: []
  })
  expect(second).toMatchObject({
    executionId: 'exec-bbbb',
    status: 'SUCCESS',
    imageId: 'm-bbbb',
    tags: [{ key: 'commit', value: 'abc123' }]
  })
  expect(rest).toEqual([])
})

test('an empty or odd body is an empty list, not a crash', () => {
  expect(parseExecutions({})).toEqual([])
  expect(parseExecutions({ ImagePipelineExecution: 'null' })).toEqual([])
  expect(parseExecutions(undefined)).toEqual([])
  expect(parsePipelines({ ImagePipeline: { ImagePipelineSet: [] } })).toEqual([])
})

test('pipelines parse', () => {
  expect(parsePipelines(fixture('describe-pipelines.json'))).toEqual([
    {
      pipelineId: 'ip-2ze5tsl5bp6nf2b3xxxx',
      name: 'testImagePipeline',
      description: 'This is description.'
    }
  ])
})
