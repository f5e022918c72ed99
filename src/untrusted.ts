/**
 * Text from the service is data, never markup or commands. Two doors lead out
 * of the action, and each has one function here: `forLog` (every log line goes
 * through it, in log.ts) and `forSummary` (every cell of the job summary). Both
 * cut text to size; `cut` also bounds text on arrival (api/parse.ts).
 */

/** The most characters of one text from the service kept anywhere (outputs, log lines, summary). */
export const MAX_TEXT = 4096
/** GitHub drops a step summary over 1 MiB: stay well under it. */
export const MAX_SUMMARY_BYTES = 1024 * 1024 - 64 * 1024

/** At most `max` characters, marked when cut; never splits a surrogate pair. */
export function cut(text: string, max = MAX_TEXT): string {
  if (text.length <= max) return text
  let end = max - 1
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end--
  return `${text.slice(0, end)}…`
}

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g

function escapeControl(char: string): string {
  switch (char) {
    case '\n':
      return '\\n'
    case '\r':
      return '\\r'
    case '\t':
      return '\\t'
    default:
      return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  }
}

/**
 * One log line: control characters escaped (so nothing after them can start a
 * line), and a line that would begin a workflow command (`::name::`) defused.
 */
export function forLog(message: string, max = 4 * MAX_TEXT): string {
  const line = cut(message, max).replace(CONTROL, escapeControl)
  // The runner reads a line as a command when, trimmed, it starts with "::".
  return /^\s*::/.test(line) ? `\u200b${line.trimStart()}` : line
}

const HTML: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '`': '&#96;',
  '[': '&#91;',
  ']': '&#93;',
  '\\': '&#92;'
}

/**
 * One table cell of the summary: HTML-escaped, markdown defused (no link,
 * image or code: brackets and backticks are escaped; the rest reads as it is),
 * one line, cut to size. A dash when empty.
 */
export function forSummary(value: string | undefined): string {
  if (value === undefined || value === '') return '–'
  return cut(value)
    .replace(/[&<>"'|`[\]\\]/g, (char) => HTML[char])
    .replace(/\r\n|\r|\n/g, '<br>')
    .replace(CONTROL, ' ')
}

/** An ID the service gave, checked on arrival (ecs/client.ts), in code style. */
export function idForSummary(id: string): string {
  return ID.test(id) ? `\`${id}\`` : forSummary(id)
}

/** What an ExecutionId, ImageId or ImagePipelineId must look like. */
export const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

/** The summary, cut at a line when it would be too large for GitHub to show. */
export function capSummary(markdown: string): string {
  if (Buffer.byteLength(markdown) <= MAX_SUMMARY_BYTES) return markdown
  let text = markdown.slice(0, MAX_SUMMARY_BYTES)
  while (Buffer.byteLength(text) > MAX_SUMMARY_BYTES - 100) text = text.slice(0, text.length - 1024)
  return `${text.slice(0, text.lastIndexOf('\n') + 1)}\n_(cut: the summary was over 1 MiB)_\n`
}
