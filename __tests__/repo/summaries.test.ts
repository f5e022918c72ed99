/** The rendered job summaries in docs/summaries/ are today's (`npm run summaries` writes them). */
import { expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../../tools/launcher.js'
import { EXAMPLES, rendered } from '../../tools/summaries.js'

test.each(Object.keys(EXAMPLES))(
  'docs/summaries/%s.md and .html are what the code renders',
  (name) => {
    const { markdown, html } = rendered(EXAMPLES[name])
    expect(readFileSync(join(ROOT, 'docs', 'summaries', `${name}.md`), 'utf8')).toBe(markdown)
    expect(readFileSync(join(ROOT, 'docs', 'summaries', `${name}.html`), 'utf8')).toBe(html)
  }
)

test('each ending has an example: success, a failed test, a time-out, a refused start', () => {
  expect(Object.values(EXAMPLES).map((facts) => facts.conclusion)).toEqual([
    'succeeded',
    'failed',
    'timed-out',
    'could-not-start'
  ])
})
