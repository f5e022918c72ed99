// `npm run coverage`: jest's coverage of src/, summed by folder (lines and
// branches), from coverage/coverage-summary.json.
import { readFileSync } from 'node:fs'
import { join, relative, dirname } from 'node:path'
import { ROOT } from './source-hash.mjs'

const summary = JSON.parse(readFileSync(join(ROOT, 'coverage', 'coverage-summary.json'), 'utf8'))
const folders = new Map()
for (const [file, counts] of Object.entries(summary)) {
  if (file === 'total') continue
  const folder = dirname(relative(ROOT, file))
  const sum = folders.get(folder) ?? { lines: [0, 0], branches: [0, 0] }
  sum.lines[0] += counts.lines.covered
  sum.lines[1] += counts.lines.total
  sum.branches[0] += counts.branches.covered
  sum.branches[1] += counts.branches.total
  folders.set(folder, sum)
}
const percent = ([covered, total]) => (total ? ((100 * covered) / total).toFixed(1) : '100.0')
console.log('\n| folder | lines % | branches % |\n| --- | --- | --- |')
for (const [folder, sum] of [...folders].sort())
  console.log(`| ${folder} | ${percent(sum.lines)} | ${percent(sum.branches)} |`)
const total = summary.total
console.log(`| all of src/ | ${total.lines.pct} | ${total.branches.pct} |`)
