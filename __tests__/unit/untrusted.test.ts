/** The two doors out for service text (log, summary), the size caps and the scrubber: properties. */
import { expect, test } from '@jest/globals'
import fc from 'fast-check'
import { hostile } from '../../__fixtures__/hostile.js'
import { Secrets } from '../../src/secrets.js'
import { capSummary, cut, forLog, forSummary, MAX_TEXT } from '../../src/untrusted.js'

test('forLog: one line, no control character, never the start of a workflow command', () => {
  fc.assert(
    fc.property(hostile, hostile, (a, b) => {
      const line = forLog(`${a}${b}`)
      // eslint-disable-next-line no-control-regex
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/)
      expect(line.trimStart().startsWith('::')).toBe(false)
    })
  )
})

test('forSummary: no HTML, no cell or line break, no link or code', () => {
  fc.assert(
    fc.property(hostile, (text) => {
      const cell = forSummary(text)
      expect(cell.replace(/<br>/g, '')).not.toMatch(/[<>|`\r\n[\]]/)
      expect(cell.length).toBeLessThanOrEqual(MAX_TEXT * 8)
    })
  )
})

test('cut: never longer than asked, never a lone half of a surrogate pair', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.integer({ min: 2, max: 100 }),
      (text, max) => {
        const result = cut(text, max)
        expect(result.length).toBeLessThanOrEqual(max)
        expect(result).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
        if (text.length <= max) expect(result).toBe(text)
      }
    )
  )
})

test('capSummary keeps a summary under 1 MiB, cut at a line', () => {
  const big = Array.from({ length: 40_000 }, (_, i) => `| row ${i} | ${'x'.repeat(40)} |`).join(
    '\n'
  )
  const capped = capSummary(big)
  expect(Buffer.byteLength(capped)).toBeLessThan(1024 * 1024)
  expect(capped).toContain('cut: the summary was over 1 MiB')
  expect(capSummary('small\n')).toBe('small\n')
})

test('Secrets: masked once, scrubbed wherever they appear, in any encoding', () => {
  fc.assert(
    fc.property(
      fc
        .string({ minLength: 8, maxLength: 40 })
        .filter((s) => s.trim().length >= 8 && !s.includes('*')),
      hostile,
      hostile,
      (secret, before, after) => {
        const masked: string[] = []
        const secrets = new Secrets((value) => masked.push(value))
        secrets.add(secret)
        expect(masked).toEqual([secret])
        for (const form of [secret, encodeURIComponent(secret)]) {
          expect(secrets.scrub(`${before}${form}${after}`)).not.toContain(secret)
        }
      }
    )
  )
})
