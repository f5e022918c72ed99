/**
 * A commit's dist/ (both entries and their chunks), taken from git into a
 * directory of its own, to run beside today's: the bench's "before"
 * (tools/bench/baseline.ts) and tools/compare-requests.ts.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './launcher.js'

export interface DistAt {
  /** The directory holding dist/: a `root` for tools/launcher.ts. */
  root: string
  /** Bytes of dist/index.js and dist/post/index.js. */
  indexBytes: number
  postBytes: number
  remove(): void
}

function git(args: string[]): Buffer {
  return execFileSync('git', args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024
  })
}

/** The files of dist/ at `commit`, post's chunks included. */
function distFiles(commit: string): string[] {
  return git(['ls-tree', '-r', '--name-only', commit, 'dist/'])
    .toString('utf8')
    .split('\n')
    .filter((path) => path.endsWith('.js') || path.endsWith('package.json'))
}

/** `commit`'s dist/; throws when this clone does not have it (a shallow clone). */
export function distAt(commit: string): DistAt {
  const files = distFiles(commit).map((path) => [path, git(['show', `${commit}:${path}`])] as const)
  const root = mkdtempSync(join(tmpdir(), 'dist-at-'))
  for (const [path, body] of files) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), body)
  }
  const size = (path: string): number => files.find(([p]) => p === path)?.[1].length ?? 0
  return {
    root,
    indexBytes: size('dist/index.js'),
    postBytes: size('dist/post/index.js'),
    remove: () => rmSync(root, { recursive: true, force: true })
  }
}
