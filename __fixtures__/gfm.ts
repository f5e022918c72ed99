/**
 * The job summary as GitHub shows it: GFM rendered to HTML (micromark with the
 * GFM extensions: tables, autolink literals, strikethrough), raw HTML kept as
 * GitHub keeps it before its sanitizer. Tests judge the HTML, not the markdown.
 */
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'

export function renderGfm(markdown: string): string {
  return micromark(markdown, {
    allowDangerousHtml: true,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()]
  })
}

/** Every element's tag name in the HTML, in order. */
export function tags(html: string): string[] {
  return [...html.matchAll(/<([a-z][a-z0-9]*)\b/gi)].map((match) => match[1].toLowerCase())
}

/** Every link's target. */
export function hrefs(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/gi)].map((match) => match[1])
}

/** Each table's rows, as the number of cells in each. */
export function tableShapes(html: string): number[][] {
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map(([, table]) =>
    [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(
      ([, row]) => (row.match(/<t[hd]\b/g) ?? []).length
    )
  )
}

/** The elements our own summary markup makes; anything else came from text. */
export const OUR_TAGS = new Set([
  'h3',
  'p',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'a',
  'code',
  'br',
  'wbr',
  'strong'
])
