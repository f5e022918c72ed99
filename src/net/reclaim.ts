/**
 * Gives back the memory an answer's reads leave behind, as they come in (SPEC
 * "Bounds": memory stays under 100 MB whatever the service sends). Every
 * piece of every body is counted, at its bytes plus PIECE_COST; a healthy
 * answer (a few KB in a piece or two) never reaches LARGE_BYTES, and nothing
 * here runs for it.
 *
 * - Each piece (a socket read of up to 64 KiB, an HTTP chunk of a single byte,
 *   an inflated chunk) is a Buffer, and its bytes live outside V8's heap.
 *   ./body.ts keeps none past its copy, but V8 frees them only when it
 *   collects, and with little JavaScript garbage it lets some 64 MB pile up
 *   first: one 16 MiB answer took Node 24 from 58 MB to 115 MB, and answers
 *   sent a byte a chunk reached 390 MB. A young-generation collection (about
 *   1 ms) frees them: one runs after every RECLAIM_EVERY_BYTES counted.
 * - Page after page of parsed values makes V8 grow its young generation (to
 *   128 MB on Node 24: a listing of large pages reached 200 MB). When it has
 *   grown past YOUNG_BYTES, a body that turns out large starts with a full
 *   collection that gives the growth back (about 20 ms; Node 20's V8
 *   collects, but does not shrink).
 *
 * Node offers no collection to a script started without `--expose-gc`, and
 * an action cannot pass flags to the runner's node: the flag is set for as
 * long as it takes to take `gc` from a fresh context, then unset (as the
 * `expose-gc` package does). Where any of that fails (a runtime without
 * `process.getBuiltinModule`, or that froze its flags), nothing is collected
 * early: answers are still bounded, with more memory. node:v8 and node:vm
 * load only for a large body (node:v8 costs 3 ms of start-up).
 */
import type * as V8 from 'node:v8'
import type * as Vm from 'node:vm'

/** What holding one piece costs beyond its bytes: a Buffer and its backing store. */
const PIECE_COST = 1024
/** A body counted past this is large (./body.ts compacts it past the same size). */
export const LARGE_BYTES = 64 * 1024
/** A young-generation collection after each of these many bytes counted. */
export const RECLAIM_EVERY_BYTES = 1024 * 1024
/** The young generation's size past which a large body first gives the growth back. */
const YOUNG_BYTES = 4 * 1024 * 1024

interface CollectOptions {
  type: 'minor' | 'major'
  /** V8's memory-reducing collection (shrinks the young generation); ignored before V8 12. */
  flavor?: 'last-resort'
}
type Collect = (options: CollectOptions) => void

let collect: Collect | null | undefined

function builtin<T>(name: string): T | undefined {
  try {
    return process.getBuiltinModule(name) as T | undefined
  } catch {
    return undefined
  }
}

function collector(): Collect | null {
  if (collect !== undefined) return collect
  collect = null
  const v8 = builtin<typeof V8>('node:v8')
  const vm = builtin<typeof Vm>('node:vm')
  if (!v8 || !vm) return collect
  try {
    v8.setFlagsFromString('--expose-gc')
    const found: unknown = vm.runInNewContext('gc')
    if (typeof found === 'function') collect = found as Collect
  } catch {
    // Nothing is collected early.
  } finally {
    v8.setFlagsFromString('--no-expose-gc')
  }
  return collect
}

function youngGenerationBytes(): number {
  const spaces = builtin<typeof V8>('node:v8')?.getHeapSpaceStatistics() ?? []
  return spaces.find((space) => space.space_name === 'new_space')?.space_size ?? 0
}

/** Counts the pieces of one body, and collects as it goes. */
export class Reclaimer {
  private counted = 0
  private since = 0

  count(bytes: number): void {
    const cost = bytes + PIECE_COST
    const wasLarge = this.counted > LARGE_BYTES
    this.counted += cost
    this.since += cost
    if (!wasLarge && this.counted > LARGE_BYTES && youngGenerationBytes() > YOUNG_BYTES)
      collector()?.({ type: 'major', flavor: 'last-resort' })
    if (this.since < RECLAIM_EVERY_BYTES) return
    this.since = 0
    collector()?.({ type: 'minor' })
  }
}
