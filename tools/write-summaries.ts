/** `npm run summaries`: writes docs/summaries/<ending>.md and .html from tools/summaries.ts. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './launcher.js'
import { EXAMPLES, rendered } from './summaries.js'

for (const [name, facts] of Object.entries(EXAMPLES)) {
  const { markdown, html } = rendered(facts)
  writeFileSync(join(ROOT, 'docs', 'summaries', `${name}.md`), markdown)
  writeFileSync(join(ROOT, 'docs', 'summaries', `${name}.html`), html)
}
console.log(`docs/summaries: ${Object.keys(EXAMPLES).join(', ')}`)
