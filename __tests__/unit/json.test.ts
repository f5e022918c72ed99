/**
 * src/net/json.ts, the one place an answer's bytes become values: what it
 * returns is what JSON.parse returns; what nests deeper than MAX_DEPTH, or is
 * not JSON, is NotJson, and nothing overflows the stack on the way.
 */
import { expect, test } from '@jest/globals'
import fc from 'fast-check'
import { MAX_DEPTH, NotJson, parseJson } from '../../src/net/json.js'

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`

test('any JSON value within the depth parses as JSON.parse parses it', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
      const text = JSON.stringify(value)
      expect(parseJson(Buffer.from(text))).toEqual(JSON.parse(text))
    }),
    { numRuns: 500 }
  )
})

test(`${MAX_DEPTH} levels parse; one more is NotJson`, () => {
  expect(parseJson(Buffer.from(nested(MAX_DEPTH)))).toBeInstanceOf(Array)
  expect(() => parseJson(Buffer.from(nested(MAX_DEPTH + 1)))).toThrow(NotJson)
  expect(() =>
    parseJson(Buffer.from(`{"a":${'{"b":'.repeat(MAX_DEPTH)}1${'}'.repeat(MAX_DEPTH)}}`))
  ).toThrow(NotJson)
})

test('20,000 levels (40 KB): NotJson, not a RangeError', () => {
  expect(() => parseJson(Buffer.from(nested(20_000)))).toThrow(NotJson)
})

test('bytes that are not JSON are NotJson', () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      let valid = true
      try {
        JSON.parse(text)
      } catch {
        valid = false
      }
      if (valid) return
      expect(() => parseJson(Buffer.from(text))).toThrow(NotJson)
    })
  )
})
