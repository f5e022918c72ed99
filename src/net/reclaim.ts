/**
 * Gives back the memory a large answer leaves behind, as it comes in (SPEC
 * "Bounds": memory stays under 100 MB whatever the service sends). Only
 * bodies over ./body.ts's AS_IS_BYTES get here; a healthy run never does.
 *
 * - Each socket read (up to 64 KiB) and each inflated chunk is a Buffer whose
 *   bytes live outside V8's heap. ./body.ts keeps none past its compaction,
 *   but V8 frees them only when it collects, and with little JavaScript
 *   garbage it lets some 64 MB pile up first: one 16 MiB answer took Node 24
 *   from 58 MB to 115 MB. A young-generation collection (about 1 ms) frees
 *   them: one runs after every RECLAIM_EVERY_BYTES of a large body.
 * - Page after page of parsed values makes V8 grow its young generation (to
 *   128 MB on Node 24: a listing of large pages reached 200 MB). When it has
 *   grown past YOUNG_BYTES, a large body starts with a full collection that
 *   gives the growth back (about 20 ms; Node 20's V8 collects, not shrinks).
 *
 * Node offers no collection to a script started without `--expose-gc`, and
 * an action cannot pass flags to the runner's node: the flag is set for as
 * long as it takes to take `gc` from a fresh context, then unset (as the
 * `expose-gc` package does). Where that fails (a runtime that froze its
 * flags), nothing is collected early: answers are still bounded, with more
 * memory. node:v8 and node:vm load only then (node:v8 costs 3 ms of start-up).
 */
import type * as V8 from 'node:v8'
import type * as Vm from 'node:vm'

/** A large body is collected after each of these many bytes. */
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

function collector(): Collect | null {
  if (collect !== undefined) return collect
  const v8 = process.getBuiltinModule('node:v8') as typeof V8
  const vm = process.getBuiltinModule('node:vm') as typeof Vm
  try {
    v8.setFlagsFromString('--expose-gc')
    const found: unknown = vm.runInNewContext('gc')
    collect = typeof found === 'function' ? (found as Collect) : null
  } catch {
    collect = null
  } finally {
    v8.setFlagsFromString('--no-expose-gc')
  }
  return collect
}

function youngGenerationBytes(): number {
  const v8 = process.getBuiltinModule('node:v8') as typeof V8
  const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')
  return young?.space_size ?? 0
}

/** Counts the bytes of one large body, and collects as it goes. */
export class Reclaimer {
  private since = 0

  /** The body has just turned out large. */
  begin(): void {
    if (youngGenerationBytes() > YOUNG_BYTES)
      collector()?.({ type: 'major', flavor: 'last-resort' })
  }

  count(bytes: number): void {
    this.since += bytes
    if (this.since < RECLAIM_EVERY_BYTES) return
    this.since = 0
    collector()?.({ type: 'minor' })
  }
}
