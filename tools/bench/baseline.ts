/**
 * The bundle before the work of issues 20 to 23 (commit caafa89), taken from
 * git so that the bench measures "before" and "after" in the same run, on the
 * same machine. A clone without that commit (a shallow one) measures "after" only.
 */
import { join } from 'node:path'
import { distAt } from '../dist-at.js'

export const BASELINE_COMMIT = 'caafa892e737bd4f444a8550bb673b1e002bc496'

export interface Baseline {
  /** dist/index.js of the baseline. */
  entry: string
  indexKb: number
  postKb: number
  remove(): void
}

/** The baseline's dist/, or undefined when this clone does not have the commit. */
export function baseline(): Baseline | undefined {
  try {
    const dist = distAt(BASELINE_COMMIT)
    return {
      entry: join(dist.root, 'dist', 'index.js'),
      indexKb: Math.round(dist.indexBytes / 1024),
      postKb: Math.round(dist.postBytes / 1024),
      remove: dist.remove
    }
  } catch {
    return undefined
  }
}
