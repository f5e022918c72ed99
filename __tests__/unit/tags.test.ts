import { describe, expect, test } from '@jest/globals'
import { parseTags } from '../../src/inputs/tags.js'

describe('parseTags', () => {
  test.each([
    ['', []],
    ['commit=abc', [{ key: 'commit', value: 'abc' }]],
    [
      'a=1\nb=2',
      [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' }
      ]
    ],
    [
      'a=1, b=2',
      [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' }
      ]
    ],
    ['  a = 1 \n\n', [{ key: 'a', value: '1' }]],
    ['empty=', [{ key: 'empty', value: '' }]],
    ['expr=x=y', [{ key: 'expr', value: 'x=y' }]]
  ])('%p parses', (text, tags) => {
    expect(parseTags(text)).toEqual(tags)
  })

  test.each([
    ['novalue', /not key=value/],
    ['=v', /1 to 128/],
    [`${'k'.repeat(129)}=v`, /1 to 128/],
    ['aliyun-x=v', /must not start with "aliyun"/],
    ['ACS:x=v', /must not start/],
    ['k=http://example.com', /must not contain http/],
    ['https://k=v', /must not contain http/],
    [`k=${'v'.repeat(129)}`, /longer than 128/],
    ['a=1\na=2', /twice/],
    [Array.from({ length: 21 }, (_, i) => `k${i}=v`).join('\n'), /at most 20/]
  ])('%p is rejected', (text, message) => {
    expect(() => parseTags(text)).toThrow(message)
  })

  test('20 tags are accepted', () => {
    expect(parseTags(Array.from({ length: 20 }, (_, i) => `k${i}=v`).join(','))).toHaveLength(20)
  })
})
