/**
 * Text is data, never markup or commands. Whatever the action writes for the
 * runner passes one of these, once, in ./runner.ts:
 * - `forLog`, for every log line, annotation and group title: the runner
 *   reads every line for workflow commands, as `::name::` at the start of a
 *   trimmed line and as the legacy `##[name]` anywhere in it (actions/runner
 *   `ActionCommand.TryParseV2` and `TryParse`): both are defused, and nothing
 *   can start a line of its own;
 * - `forOutput`, for outputs;
 * - `forSummary`, for every value in the job summary, which GitHub renders as
 *   GFM: HTML-escaped, one cell, no link, emphasis or autolink.
 * Unicode format characters (bidi overrides, zero-width characters) and lone
 * surrogates are shown escaped (`\u202E`) by all three, and all three cut text
 * to size.
 */

/** The most characters of one text kept anywhere (outputs, log lines, summary cells). */
export const MAX_TEXT = 4096
/** GitHub drops a step summary over 1 MiB: stay well under it. */
const MAX_SUMMARY_BYTES = 1024 * 1024 - 64 * 1024

/** What an ExecutionId, ImageId or ImagePipelineId must look like. */
export const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

/** At most `max` characters, marked when cut; never splits a surrogate pair. */
export function cut(text: string, max = MAX_TEXT): string {
  if (text.length <= max) return text
  let end = max - 1
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end--
  return `${text.slice(0, end)}…`
}

/**
 * Controls, format characters, line and paragraph separators, every default
 * ignorable code point (the runner finds `::` and `##[` with .NET's
 * culture-aware search, which skips those: `#\u200B#[` would be found), and
 * (in `u` mode) lone surrogates.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{DI}\ud800-\udfff]/gu
/** The same, but for line breaks, which a summary cell and an output keep. */
const INVISIBLE_BUT_BREAKS = /(?![\r\n])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{DI}\ud800-\udfff]/gu

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

function escapeInvisible(char: string): string {
  const code = char.codePointAt(0)!.toString(16).toUpperCase()
  return SHORT[char] ?? (code.length > 4 ? `\\u{${code}}` : `\\u${code.padStart(4, '0')}`)
}

/** Every invisible character shown as an escape: nothing can hide, reorder or break the text. */
export function showInvisible(text: string): string {
  return text.replace(INVISIBLE, escapeInvisible)
}

/**
 * One log line: invisible characters escaped (so nothing after them can start
 * a line), a line that would begin a command (`::`) and every legacy command
 * opener (`##[`) defused.
 */
export function forLog(message: string, max = 4 * MAX_TEXT): string {
  const line = showInvisible(cut(message, max)).replace(/##\[/g, '##\\[')
  // The runner reads a line as a command when, trimmed, it starts with "::".
  return /^\s*::/.test(line) ? `\\:${line.trimStart().slice(1)}` : line
}

/** An output's value: cut, its invisible characters (but line breaks) shown escaped. */
export function forOutput(value: string): string {
  return cut(value).replace(INVISIBLE_BUT_BREAKS, escapeInvisible)
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '`': '&#96;',
  '[': '&#91;',
  ']': '&#93;',
  '\\': '&#92;',
  '*': '&#42;',
  '~': '&#126;',
  $: '&#36;'
}

/**
 * An empty inline element where GFM would find an autolink (`scheme://`,
 * `www.`, `name@host`): it splits the text, so no renderer can join a link
 * across it, whether it finds links while parsing or in the text afterwards.
 */
const BREAK = '<wbr>'

function disarmAutolinks(html: string): string {
  return html
    .replace(/:\/\//g, `:${BREAK}//`)
    .replace(/(www)\./gi, `$1${BREAK}.`)
    .replace(/@/g, `@${BREAK}`)
}

/**
 * One table cell of the summary: invisible characters shown escaped, HTML and
 * markdown escaped (no link, image, code, emphasis or math), autolinks
 * disarmed, line breaks as `<br>`, cut to size. A dash when empty.
 */
export function forSummary(value: string | undefined): string {
  if (value === undefined || value === '') return '–'
  return summaryText(cut(value)).replace(/\r\n|\r|\n/g, '<br>')
}

/** Text as a summary cell shows it, uncut (secrets.ts scrubs this form too). */
export function summaryText(value: string): string {
  const escaped = value
    .replace(INVISIBLE_BUT_BREAKS, escapeInvisible)
    .replace(/[&<>"'|`[\]\\*~$]/g, (char) => ENTITIES[char])
    // An underscore between letters or digits never starts emphasis (TEST_FAILED reads as it is).
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '&#95;')
  return disarmAutolinks(escaped)
}

/** An ID the service gave, checked on arrival (ecs/client.ts), in code style. */
export function idForSummary(id: string): string {
  return ID.test(id) ? `\`${id}\`` : forSummary(id)
}

/** The summary, cut at a line when it would be too large for GitHub to show. */
export function capSummary(markdown: string): string {
  if (Buffer.byteLength(markdown) <= MAX_SUMMARY_BYTES) return markdown
  let text = markdown.slice(0, MAX_SUMMARY_BYTES)
  while (Buffer.byteLength(text) > MAX_SUMMARY_BYTES - 100) text = text.slice(0, text.length - 1024)
  return `${text.slice(0, text.lastIndexOf('\n') + 1)}\n_(cut: the summary was over 1 MiB)_\n`
}
