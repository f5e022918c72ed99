/**
 * The answers that test SPEC "Bounds" ("memory stays under 100 MB whatever the
 * service sends"), each run through the bundled action against the emulator
 * with its peak RSS recorded: one answer of 15.5 MiB (just under the 16 MiB
 * cap) in each shape, and listings of 50 large pages. The e2e tests assert the
 * bound on them (__tests__/e2e/boundaries.test.ts "#8"); `npm run bench`
 * prints the figures.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EcsEmulator } from './emulator/server.js'
import type { BulkShape, Fault } from './emulator/faults.js'
import { emulatorInputs, launch, type LaunchResult } from './launcher.js'

export const MEMORY_BOUND_MB = 100

export interface HostileCase {
  name: string
  /** Polls of a build (DescribeImagePipelineExecutions), or every page of a listing of 50 (a pipeline resolved by name). */
  where: 'answer' | 'listing'
  /** How the emulator answers (tools/emulator/faults.ts): 'bulky' fills, 'pieces' sends a byte to a chunk. */
  fault?: Pick<Fault, 'kind' | 'shape' | 'bytes'>
  /** Each pipeline's description, for listings. */
  description?: string
  /** For answers: how many polls get the fault (the build runs a second for each). */
  polls?: number
  /** How the step ends: SUCCESS, "not found" once the listing was read whole, or refused. */
  expected: 'SUCCESS' | 'not-found' | 'ResponseTooLarge'
}

const bulky = (shape: BulkShape, bytes?: number): HostileCase['fault'] => ({
  kind: 'bulky',
  shape,
  bytes
})

export const HOSTILE_CASES: HostileCase[] = [
  { name: 'whitespace', where: 'answer', fault: bulky('space'), expected: 'SUCCESS' },
  { name: 'one long text', where: 'answer', fault: bulky('text'), expected: 'SUCCESS' },
  { name: '155 texts of 100 KB', where: 'answer', fault: bulky('texts'), expected: 'SUCCESS' },
  { name: 'numbers', where: 'answer', fault: bulky('numbers'), expected: 'ResponseTooLarge' },
  { name: 'small objects', where: 'answer', fault: bulky('objects'), expected: 'ResponseTooLarge' },
  {
    name: '475 texts of 4,000 characters (1.9 MB, kept whole)',
    where: 'answer',
    fault: bulky('notes', 1_900_000),
    expected: 'SUCCESS'
  },
  {
    name: '64,000 one-byte chunks, 10 polls',
    where: 'answer',
    fault: { kind: 'pieces', bytes: 64_000 },
    polls: 10,
    expected: 'SUCCESS'
  },
  {
    name: '1 MiB in one-byte chunks, 2 polls',
    where: 'answer',
    fault: { kind: 'pieces', bytes: 1024 * 1024 },
    polls: 2,
    expected: 'SUCCESS'
  },
  {
    name: '100 descriptions of 100 KB (10 MB)',
    where: 'listing',
    description: 'x'.repeat(100_000),
    expected: 'not-found'
  },
  {
    name: '155 texts of 100 KB (15.5 MiB)',
    where: 'listing',
    fault: bulky('texts'),
    expected: 'not-found'
  },
  { name: 'one text (15.5 MiB)', where: 'listing', fault: bulky('text'), expected: 'not-found' },
  {
    name: '7,000 small objects (240 KB)',
    where: 'listing',
    fault: bulky('objects', 240_000),
    expected: 'not-found'
  },
  {
    name: '20,000 numbers (80 KB)',
    where: 'listing',
    fault: bulky('numbers', 80_000),
    expected: 'not-found'
  },
  {
    name: '64,000 one-byte chunks',
    where: 'listing',
    fault: { kind: 'pieces', bytes: 64_000 },
    expected: 'not-found'
  }
]

/** Pipelines in a listing case: 50 pages of 100 (tools/emulator lists 100 a page). */
const LISTED_PIPELINES = 4900

function emulatorFor(hostile: HostileCase): EcsEmulator {
  if (hostile.where === 'answer') {
    const polls = hostile.polls ?? 1
    const emulator = new EcsEmulator({
      defaultPlan: { steps: [{ status: 'BUILDING', ms: polls * 1000 }] }
    })
    if (hostile.fault)
      emulator.inject({
        action: 'DescribeImagePipelineExecutions',
        with: 'ExecutionId',
        times: polls,
        ...hostile.fault
      })
    return emulator
  }
  const emulator = new EcsEmulator({ defaultPlan: { steps: [] }, ignoreNameFilter: true })
  for (let i = 0; i < LISTED_PIPELINES; i++)
    emulator.addPipeline({
      id: `ip-pad${i}`,
      name: `pipeline-${i}`,
      description: hostile.description
    })
  if (hostile.fault)
    emulator.inject({ action: 'DescribeImagePipelines', times: 50, ...hostile.fault })
  return emulator
}

export interface HostileRun {
  result: LaunchResult
  peakMb: number
  /** ECS requests made: DescribeImagePipelines pages for a listing. */
  pages: number
}

/** Runs dist/index.js on one case, on `node` (this one by default), and records its peak RSS. */
export async function runHostile(hostile: HostileCase, node?: string): Promise<HostileRun> {
  const emulator = emulatorFor(hostile)
  await emulator.start()
  const dir = mkdtempSync(join(tmpdir(), 'hostile-rss-'))
  const file = join(dir, 'rss')
  const byName = { 'image-pipeline-id': '', 'image-pipeline-name': 'nothing' }
  try {
    const result = await launch({
      inputs: emulatorInputs(emulator, hostile.where === 'listing' ? byName : {}),
      node,
      maxRssFile: file
    })
    return {
      result,
      peakMb: Number(readFileSync(file, 'utf8')) / 1024,
      pages: emulator.calls('DescribeImagePipelines').length
    }
  } finally {
    await emulator.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
