/**
 * Words that stay true: every file path named in a comment of the code, the
 * tools and the tests, or in docs/, README.md and CONTRIBUTING.md, exists.
 * A path is `src/…`, `tools/…`, `__tests__/…`, `__fixtures__/…`, `docs/…`,
 * `dist/…`, `.ci/…` or `.github/…` with an extension, or a path that starts
 * with `./` or `../` in a comment (relative to the file).
 */
import { expect, test } from '@jest/globals'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { ROOT } from '../../tools/launcher.js'

function files(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(ROOT, path)).isDirectory()) return files(path, keep)
    return keep(path) ? [path] : []
  })
}

const ROOTED =
  /(?<![\w/.-])((?:src|tools|__tests__|__fixtures__|docs|dist|\.ci|\.github)\/[\w./-]*\.(?:ts|js|cjs|mjs|md|json|yml|yaml|pem))\b/g
const RELATIVE = /(?<![\w/])(\.\.?\/[\w./-]+\.(?:ts|js|cjs))\b/g
/** In src/, a folder of src/ and a file: `net/exchange.ts`. */
const IN_SRC =
  /(?<![\w/.-])((?:api|credentials|ecs|inputs|net|post|run|runner|wait)\/[\w-]+\.ts)\b/g

/** The comments of a source file: what follows `//`, and the bodies of block comments. */
function comments(source: string): string {
  return [...source.matchAll(/\/\*[\s\S]*?\*\/|(?<![:'"`])\/\/[^\n]*/g)].map((m) => m[0]).join('\n')
}

const code = [
  ...files('src', (f) => /\.ts$/.test(f)),
  ...files('tools', (f) => /\.(ts|cjs)$/.test(f)),
  ...files('__tests__', (f) => f.endsWith('.ts')),
  ...files('__fixtures__', (f) => f.endsWith('.ts'))
]
const prose = [...files('docs', (f) => f.endsWith('.md')), 'README.md', 'CONTRIBUTING.md']

test.each(code)('the paths named in the comments of %s exist', (file) => {
  const text = comments(readFileSync(join(ROOT, file), 'utf8'))
  const named = [
    ...[...text.matchAll(ROOTED)].map((m) => m[1]),
    ...[...text.matchAll(RELATIVE)].map((m) => relative(ROOT, join(ROOT, dirname(file), m[1]))),
    ...(file.startsWith('src/') ? [...text.matchAll(IN_SRC)].map((m) => `src/${m[1]}`) : [])
  ]
  const missing = named.filter(
    (path) => !existsSync(join(ROOT, path.replace(/\.js$/, '.ts'))) && !existsSync(join(ROOT, path))
  )
  expect(missing).toEqual([])
})

test.each(prose)('the paths named in %s exist', (file) => {
  const named = [...readFileSync(join(ROOT, file), 'utf8').matchAll(ROOTED)].map((m) => m[1])
  expect(named.filter((path) => !existsSync(join(ROOT, path)))).toEqual([])
})
