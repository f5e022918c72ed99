// What dist/ is built from, as one hash: every file under src/, the lockfile
// and tsconfig.json. `npm run bundle` writes it to dist/source.sha256; the
// tests' global set-up (tools/jest-setup.mjs) compares it with the sources of
// today, so the end-to-end tests never run a stale bundle.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(fileURLToPath(import.meta.url), '..', '..')
export const HASH_FILE = join(ROOT, 'dist', 'source.sha256')

function files(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? files(path) : [path]
    })
}

export function sourceHash() {
  const hash = createHash('sha256')
  for (const path of [
    ...files(join(ROOT, 'src')),
    join(ROOT, 'package-lock.json'),
    join(ROOT, 'tsconfig.json')
  ]) {
    hash.update(relative(ROOT, path).split('\\').join('/'))
    hash.update('\0')
    hash.update(readFileSync(path))
    hash.update('\0')
  }
  return hash.digest('hex')
}

if (process.argv[2] === '--write') writeFileSync(HASH_FILE, `${sourceHash()}\n`)
