/**
 * Strict duration parsing: `90s`, `45m`, `1h30m`, `1h 30m 15s`, `250ms`, or a bare
 * number of seconds. Anything else throws, so a typo never becomes a silent default.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
const PART = /(\d+(?:\.\d+)?)\s*(ms|h|m|s)/gy

export function parseDuration(text: string): number {
  const input = text.trim().toLowerCase()
  if (input === '') throw new Error('is empty')
  if (/^\d+(\.\d+)?$/.test(input)) return finite(text, Math.round(Number(input) * 1000))

  let total = 0
  let seen = 0
  PART.lastIndex = 0
  let position = 0
  while (position < input.length) {
    PART.lastIndex = position
    const match = PART.exec(input)
    if (!match) {
      throw new Error(
        `"${text}" is not a duration (use e.g. 90s, 45m, 1h30m, or a number of seconds)`
      )
    }
    total += Number(match[1]) * UNIT_MS[match[2]]
    seen++
    position = PART.lastIndex
    while (input[position] === ' ') position++
  }
  if (seen === 0) throw new Error(`"${text}" is not a duration`)
  return finite(text, Math.round(total))
}

/** A 400-digit number parses as Infinity: too long, not a silent forever. */
function finite(text: string, ms: number): number {
  if (!Number.isSafeInteger(ms)) throw new Error(`"${text}" is too long a duration`)
  return ms
}

/** `3723000` → `1h 2m 3s`; used in logs, errors and the summary. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  const parts: string[] = []
  if (h) parts.push(`${h}h`)
  if (m) parts.push(`${m}m`)
  if (s || parts.length === 0) parts.push(`${s}s`)
  return parts.join(' ')
}
