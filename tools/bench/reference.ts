/**
 * The reference timelines of tools/bench/timelines.json, and the seeded draws
 * that turn them into builds: every run of the benchmark is the same.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../launcher.js'
import type { Build } from './timeline.js'

export const SECOND = 1000

export interface TimelineSpec {
  name: string
  about: string
  phases: Array<[string, number]>
  end: string
  jitter: number
  history: string
}

interface Reference {
  runsPerTimeline: number
  historySize: number
  timelines: TimelineSpec[]
}

export const reference = JSON.parse(
  readFileSync(join(ROOT, 'tools', 'bench', 'timelines.json'), 'utf8')
) as Reference

/** mulberry32: a small seeded generator, so every run of the benchmark is the same. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A seed per timeline and run (FNV-1a of the name), so no two timelines share draws. */
export function seedOf(name: string, run: number): number {
  let hash = 0x811c9dc5
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0
  return (hash + run * 0x9e3779b9) >>> 0
}

/** One build of a timeline: every phase's length drawn within +/- its jitter. */
export function sample(spec: TimelineSpec, random: () => number): Build {
  let at = 0
  const phases = spec.phases.map(([status, seconds]) => {
    const from = at
    at += Math.round(seconds * SECOND * (1 + spec.jitter * (2 * random() - 1)))
    return { status, from }
  })
  return { phases, end: at, endStatus: spec.end }
}
