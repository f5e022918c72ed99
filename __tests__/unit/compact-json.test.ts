/**
 * src/net/compact-json.ts, by properties over arbitrary input: what it keeps
 * parses as the original does (valid or not), whatever the chunks; over-long
 * strings are cut to a prefix at a whole character; the bounds hold.
 */
import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import {
  CompactJson,
  MAX_CONTENT_BYTES,
  MAX_STRING_BYTES,
  MAX_VALUES,
  Overflow
} from '../../src/net/compact-json.js'

/** `text` through the compactor in chunks cut at `cuts` (fractions of its length). */
function compacted(text: string | Buffer, cuts: number[] = []): Buffer {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text)
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b)
  const compact = new CompactJson()
  let from = 0
  for (const point of [...points, bytes.length]) {
    compact.write(bytes.subarray(from, point))
    from = point
  }
  return compact.end()
}

/** JSON.parse's verdict: the value, or that it threw. */
function verdict(text: string): { value?: unknown; threw?: true } {
  try {
    return { value: JSON.parse(text) as unknown }
  } catch {
    return { threw: true }
  }
}

const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 })

/** JSON-ish text: tokens, whitespace and the pieces that desynchronise a careless lexer. */
const jsonish = fc
  .array(
    fc.constantFrom(
      ...['{', '}', '[', ']', ',', ':', '"', '\\', '\\"', '\\u', '\\u12', '\\u00e9', 'é', '好'],
      ...['1', '2', '-', '.', 'e', 'true', 'null', ' ', '\n', '\t', '\r', '\u00a0', '"a"', '😀']
    ),
    { maxLength: 60 }
  )
  .map((parts) => parts.join(''))

describe('what is kept parses as the original does', () => {
  test('any JSON value, however laid out and chunked, parses to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), cuts, (value, indent, at) => {
        const text = JSON.stringify(value, null, indent)
        expect(JSON.parse(compacted(text, at).toString('utf8'))).toEqual(JSON.parse(text))
      }),
      { numRuns: 500 }
    )
  })

  test('any JSON-ish text: valid stays valid and equal, invalid stays invalid', () => {
    fc.assert(
      fc.property(jsonish, cuts, (text, at) => {
        expect(verdict(compacted(text, at).toString('utf8'))).toEqual(verdict(text))
      }),
      { numRuns: 3000 }
    )
  })

  test('any bytes at all: the same verdict, and never an error of its own', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), cuts, (bytes, at) => {
        const buffer = Buffer.from(bytes)
        expect(verdict(compacted(buffer, at).toString('utf8'))).toEqual(
          verdict(buffer.toString('utf8'))
        )
      }),
      { numRuns: 2000 }
    )
  })
})

describe('an over-long string', () => {
  test('is cut to a prefix of itself at a whole character or escape, then …', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), cuts, (piece, at) => {
        const long = piece.repeat(Math.ceil((MAX_STRING_BYTES + 50) / piece.length))
        const text = JSON.stringify({ Message: long, After: 'kept' })
        const parsed = JSON.parse(compacted(text, at).toString('utf8')) as Record<string, string>
        expect(parsed.After).toBe('kept')
        const message = parsed.Message
        if (Buffer.byteLength(JSON.stringify(long)) - 2 <= MAX_STRING_BYTES)
          return expect(message).toBe(long)
        expect(message.endsWith('…')).toBe(true)
        expect(long.startsWith(message.slice(0, -1))).toBe(true)
        expect(Buffer.byteLength(JSON.stringify(message.slice(0, -1))) - 2).toBeLessThanOrEqual(
          MAX_STRING_BYTES
        )
      }),
      { numRuns: 300 }
    )
  })

  test('never splits an escaped surrogate pair: what is kept of a well-formed text is well-formed', () => {
    /** JSON with every non-ASCII character escaped, as some servers write it. */
    const asciiJson = (value: unknown): string =>
      Array.from(JSON.stringify(value), (c) =>
        c.length === 1 && c.charCodeAt(0) < 0x80
          ? c
          : Array.from(
              c.split(''),
              (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`
            ).join('')
      ).join('')
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
        cuts,
        (piece, at) => {
          const long = piece.repeat(Math.ceil((MAX_STRING_BYTES + 50) / piece.length))
          const parsed = JSON.parse(compacted(asciiJson({ M: long }), at).toString('utf8')) as {
            M: string
          }
          // Well-formed: it survives UTF-8 (a lone surrogate would become U+FFFD).
          expect(Buffer.from(parsed.M).toString('utf8')).toBe(parsed.M)
          expect(long.startsWith(parsed.M.replace(/…$/, ''))).toBe(true)
        }
      ),
      { numRuns: 300 }
    )
    const pair = `"${'a'.repeat(MAX_STRING_BYTES - 6)}\\ud83d\\ude00"`
    expect(JSON.parse(compacted(pair).toString('utf8'))).toBe(
      `${'a'.repeat(MAX_STRING_BYTES - 6)}…`
    )
  })

  test('a key over the limit is refused: two cut the same way would merge', () => {
    const key = (tail: string): string => `"${'a'.repeat(MAX_STRING_BYTES)}${tail}"`
    expect(() => compacted(`{${key('x')}:1,${key('y')}:2}`)).toThrow(Overflow)
    expect(() => compacted(`[${key('x')} , ${key('y')}]`)).not.toThrow()
  })

  test('keeps its escaped quotes and backslashes in the cut-off part from ending it', () => {
    const tail = '\\"\\\\'.repeat(10_000)
    const text = `{"A":"${'x'.repeat(MAX_STRING_BYTES)}${tail}","B":1}`
    for (const at of [[], [0.5], [0.3, 0.31, 0.9]])
      expect(JSON.parse(compacted(text, at).toString('utf8'))).toEqual({
        A: `${'x'.repeat(MAX_STRING_BYTES)}…`,
        B: 1
      })
  })
})

describe('the bounds', () => {
  test(`more than ${MAX_VALUES} values overflow`, () => {
    expect(() => compacted(`[${'1,'.repeat(MAX_VALUES)}1]`)).toThrow(Overflow)
    expect(() => compacted(`[${'1,'.repeat(MAX_VALUES - 2)}1]`)).not.toThrow()
  })

  test(`more than ${MAX_CONTENT_BYTES / 1048576} MiB left overflows, whitespace and cut text aside`, () => {
    const texts = (n: number): string => `[${Array(n).fill(`"${'z'.repeat(MAX_STRING_BYTES)}"`)}]`
    expect(() => compacted(texts(Math.floor(MAX_CONTENT_BYTES / MAX_STRING_BYTES) + 1))).toThrow(
      Overflow
    )
    const padded = `{"a":[1, 2]${' '.repeat(2 * MAX_CONTENT_BYTES)}}`
    expect(compacted(padded).toString()).toBe('{"a":[1,2]}')
  })

  // The fullest healthy answer the action asks for: a page of 100 pipelines,
  // each with the largest BuildContent and TestContent the service takes
  // (16 KB), a 256-character description, 20 tags, and every non-ASCII
  // character escaped, as some gateways write it.
  test('a healthy page of 100 large pipelines, escaped or not, is kept whole where it is read', () => {
    const pipeline = (i: number): Record<string, unknown> => ({
      ImagePipelineId: `ip-${i}`,
      Name: `pipeline-${i}`,
      Description: '镜像构建流水线'.repeat(37).slice(0, 256),
      BuildContent: `RUN echo ${'构建'.repeat(8000)}`.slice(0, 16_000),
      TestContent: `RUN test ${'x'.repeat(16_000)}`.slice(0, 16_000),
      Tags: { Tag: Array.from({ length: 20 }, (_, t) => ({ TagKey: `k${t}`, TagValue: `v${t}` })) },
      ToRegionIds: { ToRegionId: ['cn-hangzhou', 'cn-beijing'] },
      AddAccounts: { AddAccount: ['1234567890'] },
      CreationTime: '2026-12-01T00:00:00Z'
    })
    const page = {
      RequestId: 'R-1',
      NextToken: 'n-2',
      ImagePipeline: { ImagePipelineSet: Array.from({ length: 100 }, (_, i) => pipeline(i)) }
    }
    const escaped = JSON.stringify(page).replace(
      /[^ -~]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
    )
    for (const text of [JSON.stringify(page), escaped]) {
      const kept = JSON.parse(compacted(text, [0.3, 0.6]).toString('utf8')) as typeof page
      expect(kept.NextToken).toBe('n-2')
      expect(kept.ImagePipeline.ImagePipelineSet.map((p) => [p.ImagePipelineId, p.Name])).toEqual(
        page.ImagePipeline.ImagePipelineSet.map((p) => [p.ImagePipelineId, p.Name])
      )
    }
  })
})
