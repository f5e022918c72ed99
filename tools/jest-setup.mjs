// Jest's global set-up: the end-to-end tests run dist/, so dist/ must be built
// from today's src/. When it is not (dist/source.sha256, tools/source-hash.mjs),
// it is built first, and the tests say so.
import { execSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { HASH_FILE, ROOT, sourceHash } from './source-hash.mjs'

export default function setup() {
  const built = existsSync(HASH_FILE) ? readFileSync(HASH_FILE, 'utf8').trim() : ''
  if (built === sourceHash()) return
  console.error('\ndist/ is not built from the current src/: running npm run bundle first.')
  execSync('npm run bundle --silent', { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
}
