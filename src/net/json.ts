/**
 * The one place an answer's bytes become values: JSON.parse, then a bound on
 * nesting. V8 parses any depth, but what reads the values afterwards
 * (JSON.stringify of an `AccessDeniedDetail`, any recursive walk) would run
 * out of stack: a 403 whose detail nested arrays 20,000 deep ended the step
 * with a RangeError, and the vendor's code and RequestId were lost. The
 * vendor's answers nest 6 deep; a deeper one is not JSON the action reads.
 */
export const MAX_DEPTH = 64

/** The bytes are not JSON, or nest deeper than MAX_DEPTH. */
export class NotJson extends Error {}

/** The value of a JSON body; throws NotJson. */
export function parseJson(bytes: Buffer): unknown {
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new NotJson('not JSON')
  }
  if (deeperThan(value, MAX_DEPTH)) throw new NotJson(`nested over ${MAX_DEPTH} deep`)
  return value
}

/** Whether `value` nests deeper than `limit`, walked without recursion. */
function deeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]]
  while (pending.length > 0) {
    const [next, depth] = pending.pop()!
    if (typeof next !== 'object' || next === null) continue
    if (depth >= limit) return true
    for (const inner of Object.values(next)) pending.push([inner, depth + 1])
  }
  return false
}
