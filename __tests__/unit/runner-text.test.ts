/**
 * The runner boundary, judged by what reads our output: the runner's own
 * command parser (a port, __fixtures__/runner-commands.ts) for log lines, and
 * a GFM renderer for summary cells; over arbitrary text, not examples.
 */
import { expect, test } from '@jest/globals'
import fc from 'fast-check'
import { hrefs, renderGfm, tableShapes, tags } from '../../__fixtures__/gfm.js'
import { hostile } from '../../__fixtures__/hostile.js'
import { parseRunnerLog } from '../../__fixtures__/runner-commands.js'
import { Secrets } from '../../src/secrets.js'
import {
  capSummary,
  cut,
  forLog,
  forOutput,
  forSummary,
  MAX_TEXT,
  showInvisible,
  summaryText
} from '../../src/runner/text.js'

/** Any text at all, hostile pieces included. */
const anyText = fc.oneof(
  hostile,
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.string({ unit: 'binary', maxLength: 100 })
)

/**
 * The runner's commands in our log, read twice: as the port reads it, and with
 * every default-ignorable character taken out, as .NET's culture-aware search
 * (which the runner uses to find `::` and `##[`) would skip them.
 */
function commandsIn(stdout: string) {
  return [...parseRunnerLog(stdout), ...parseRunnerLog(stdout.replace(/\p{DI}/gu, ''))]
}

test('forLog: no workflow command in either form, however the text is built', () => {
  fc.assert(
    fc.property(anyText, anyText, (a, b) => {
      const line = forLog(`${a}${b}`)
      expect(commandsIn(`${line}\n`)).toEqual([])
      expect(line).not.toMatch(/[\r\n\u0085\u2028\u2029]/)
    }),
    { numRuns: 500 }
  )
})

test('forLog inside an annotation or a group title: the command is ours, its data is only data', () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const stdout = `::warning::${forLog(text)}\n::group::${forLog(text)}\n`
      const commands = commandsIn(stdout)
      expect(commands.map((c) => c.command)).toEqual(['warning', 'group', 'warning', 'group'])
    })
  )
})

test.each([
  ['the legacy form mid-line', 'x ##[set-output name=image-id;]m-FORGED'],
  ['stop-commands in the legacy form', '##[stop-commands]tok'],
  ['a zero-width space between the markers', '#\u200b#[debug]x'],
  ['a soft hyphen between the colons', ':\u00ad:error::x'],
  ['a line break then a command', 'ok\n::set-output name=image-id::m-FORGED'],
  ['a lone carriage return then a command', 'ok\r::add-mask::x'],
  ['NEL then a command', 'ok\u0085::warning::x']
])('%s is shown, not executed', (_name, text) => {
  expect(commandsIn(`${forLog(text)}\n`)).toEqual([])
})

test('Unicode format characters are shown escaped, everywhere', () => {
  const text = 'abc\u202Egnp.exe\u200b\u200d\ufeff\u{e0041}'
  for (const shown of [forLog(text), forOutput(text), showInvisible(text)])
    expect(shown).toBe('abc\\u202Egnp.exe\\u200B\\u200D\\uFEFF\\u{E0041}')
  expect(forSummary(text)).toBe('abc&#92;u202Egnp.exe&#92;u200B&#92;u200D&#92;uFEFF&#92;u{E0041}')
})

test('forOutput keeps line breaks (an output may have several lines), and cuts', () => {
  expect(forOutput('a\nb')).toBe('a\nb')
  expect(forOutput('x'.repeat(MAX_TEXT * 2)).length).toBeLessThanOrEqual(MAX_TEXT)
})

test('forSummary, rendered as GitHub renders it: text in one cell, no tag, link or emphasis of its own', () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const html = renderGfm(`| Item | Value |\n| --- | --- |\n| Message | ${forSummary(text)} |\n`)
      expect(tableShapes(html)).toEqual([[2, 2]])
      expect(
        tags(html).filter(
          (tag) => !['table', 'thead', 'tbody', 'tr', 'th', 'td', 'br', 'wbr'].includes(tag)
        )
      ).toEqual([])
      expect(hrefs(html)).toEqual([])
    }),
    { numRuns: 500 }
  )
})

test.each([
  ['a bare URL', 'see https://evil.invalid/x'],
  ['www', 'www.evil.invalid'],
  ['WWW', 'WWW.evil.invalid'],
  ['an e-mail address', 'ops@evil.invalid'],
  ['a markdown link', '[x](https://evil.invalid)'],
  ['an image', '![x](https://evil.invalid/a.png)'],
  ['an autolink', '<https://evil.invalid>']
])('%s never becomes a link', (_name, text) => {
  const html = renderGfm(`| Item | Value |\n| --- | --- |\n| Message | ${forSummary(text)} |\n`)
  expect(hrefs(html)).toEqual([])
  expect(tags(html)).not.toContain('img')
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
        for (const form of [secret, encodeURIComponent(secret)])
          expect(secrets.scrub(`${before}${form}${after}`)).not.toContain(secret)
      }
    )
  )
})

test('Secrets: scrubbed from the summary and the log too, after they were escaped for them', () => {
  fc.assert(
    fc.property(
      fc
        .string({ unit: 'grapheme', minLength: 8, maxLength: 40 })
        .filter((s) => s.trim().length >= 8),
      fc.string({ maxLength: 30 }),
      (secret, around) => {
        const secrets = new Secrets(() => undefined)
        secrets.add(secret)
        const cell = secrets.scrub(forSummary(`${around}${secret}${around}`), '&#42;&#42;&#42;')
        const line = secrets.scrub(forLog(`${around}${secret}${around}`))
        for (const shown of [cell, line]) {
          expect(shown).not.toContain(secret)
          expect(shown).not.toContain(summaryText(secret))
          expect(shown).not.toContain(showInvisible(secret))
        }
      }
    )
  )
})
