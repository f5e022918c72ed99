/**
 * Defensive reading of API responses. The ECS pages show numbers that arrive as
 * strings, optional fields as the string "null" (`"RepairMode": "null"`), and
 * `Tags.Tag` that may be absent: docs/api-notes.md.
 */
import { cut } from '../runner/text.js'

/** A field's whole text, or undefined for null, "null", "", objects and the like. For secrets. */
export function whole(value: unknown): string | undefined {
  if (value === undefined || value === null || typeof value === 'object') return undefined
  const result = String(value).trim()
  if (result === '' || result.toLowerCase() === 'null' || result === 'undefined') return undefined
  return result
}

/** A field's text, bounded in size on arrival, or undefined as `whole` says. */
export function text(value: unknown): string | undefined {
  const result = whole(value)
  return result === undefined ? undefined : cut(result)
}

export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

/** `{ "X": { "Y": [...] } }` or `{ "X": { "Y": {...} } }` (a lone item) or nothing → array. */
export function list(container: unknown, outer: string, inner: string): Record<string, unknown>[] {
  const items = record(record(container)[outer])[inner]
  if (Array.isArray(items)) return items.map(record)
  if (typeof items === 'object' && items !== null) return [record(items)]
  return []
}
