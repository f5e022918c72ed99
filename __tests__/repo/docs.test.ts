/** The README and action.yml tell the same story; workflows and action.yml are valid YAML of the expected shape. */
import { describe, expect, test } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from '../../tools/launcher.js'

interface ActionYml {
  name: string
  description: string
  branding: { icon: string; color: string }
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string; post?: string }
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')

/** Rows of the markdown table under a `## heading`: first cell (a `name`) → second cell. */
function table(heading: string): Map<string, string> {
  const section = readme.split(/^## /m).find((part) => part.startsWith(heading))
  if (!section) throw new Error(`README has no "## ${heading}" section`)
  const rows = new Map<string, string>()
  for (const line of section.split('\n')) {
    const match = /^\| `([a-z0-9-]+)` \|\s*([^|]*?)\s*\|/.exec(line)
    if (match) rows.set(match[1], match[2].trim())
  }
  return rows
}

describe('action.yml', () => {
  test('runs on node24 with a main and a post step, and has branding', () => {
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/post/index.js'
    })
    expect(action.name).toBeTruthy()
    expect(action.description.length).toBeGreaterThan(20)
    expect(action.branding.icon).toBeTruthy()
    expect(action.branding.color).toBeTruthy()
  })

  test('every input and output has a description; inputs are optional (validated by the action)', () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      expect([name, typeof input.description, input.description.length > 10]).toEqual([
        name,
        'string',
        true
      ])
      expect([name, input.required ?? false]).toEqual([name, false])
    }
    for (const [name, output] of Object.entries(action.outputs)) {
      expect([name, output.description.length > 10]).toEqual([name, true])
    }
  })

  test('its names are those of the code (src/constants.ts)', async () => {
    const { Inputs } = await import('../../src/constants.js')
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Inputs).sort())
  })

  test("its defaults are the code's, one for one (src/inputs/defaults.ts)", async () => {
    const { DEFAULTS } = await import('../../src/inputs/defaults.js')
    const declared = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([, input]) => input.default !== undefined)
        .map(([name, input]) => [name, String(input.default)])
    )
    expect(declared).toEqual(DEFAULTS)
  })
})

describe('README', () => {
  test('documents every input of action.yml, and no other, with the same defaults', () => {
    const documented = table('Inputs')
    expect([...documented.keys()].sort()).toEqual(Object.keys(action.inputs).sort())
    for (const [name, input] of Object.entries(action.inputs)) {
      const cell = documented.get(name)!
      if (input.default !== undefined) expect([name, cell]).toEqual([name, `\`${input.default}\``])
      else expect([name, /^`[^`]*`$/.test(cell)]).toEqual([name, false])
    }
  })

  test('documents every output of action.yml, and no other', () => {
    expect([...table('Outputs').keys()].sort()).toEqual(Object.keys(action.outputs).sort())
  })

  test('no example puts an expression into a script: outputs reach run: through env: only', () => {
    const docs = readdirSync(join(ROOT, 'docs'))
      .filter((file) => file.endsWith('.md'))
      .map((file) => readFileSync(join(ROOT, 'docs', file), 'utf8'))
    const workflows = readdirSync(join(ROOT, '.github', 'workflows')).map((file) =>
      readFileSync(join(ROOT, '.github', 'workflows', file), 'utf8')
    )
    const blocks = [readme, ...docs].flatMap((text) =>
      [...text.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1])
    )
    const scripts: string[] = []
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit)
      else if (node && typeof node === 'object') {
        const record = node as Record<string, unknown>
        if (typeof record.run === 'string') scripts.push(record.run)
        Object.values(record).forEach(visit)
      }
    }
    for (const text of [...blocks, ...workflows]) visit(parse(text))
    expect(scripts.length).toBeGreaterThan(5)
    for (const script of scripts)
      expect([script, /\$\{\{\s*(steps|needs)\./.test(script)]).toEqual([script, false])
  })

  test('gives the install and test commands that .ci/run runs', () => {
    expect(readme).toContain('npm ci && npm run demo')
    expect(readme).toMatch(/^npm test /m)
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m)
  })

  test('its YAML examples parse, and every `with:` key is an input', () => {
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1])
    expect(blocks.length).toBeGreaterThanOrEqual(5)
    const inputs = new Set(Object.keys(action.inputs))
    for (const block of blocks) {
      const parsed = parse(block) as unknown
      const withs: Array<Record<string, unknown>> = []
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(visit)
        else if (node && typeof node === 'object') {
          const record = node as Record<string, unknown>
          if (
            typeof record.uses === 'string' &&
            record.uses.startsWith('<owner>/<repo>') &&
            record.with
          )
            withs.push(record.with as Record<string, unknown>)
          Object.values(record).forEach(visit)
        }
      }
      visit(parsed)
      for (const keys of withs)
        for (const key of Object.keys(keys)) expect([key, inputs.has(key)]).toEqual([key, true])
    }
  })
})

describe('workflows', () => {
  const dir = join(ROOT, '.github', 'workflows')
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))

  test('there are CI, check-dist, release and dogfooding workflows', () => {
    expect(files.sort()).toEqual(['check-dist.yml', 'ci.yml', 'release.yml', 'test-action.yml'])
  })

  test.each(files)('%s is valid YAML of the expected shape', (file) => {
    const workflow = parse(readFileSync(join(dir, file), 'utf8')) as {
      name: string
      on: unknown
      permissions: Record<string, string>
      jobs: Record<string, { 'runs-on': string; steps: Array<{ uses?: string; run?: string }> }>
    }
    expect(typeof workflow.name).toBe('string')
    expect(workflow.on).toBeTruthy()
    expect(workflow.permissions).toBeTruthy()
    for (const job of Object.values(workflow.jobs)) {
      expect(job['runs-on']).toBe('ubuntu-latest')
      expect(job.steps.length).toBeGreaterThan(0)
      for (const step of job.steps) expect(Boolean(step.uses) !== Boolean(step.run)).toBe(true)
    }
  })

  test('the dogfooding job uses the action itself, against the emulator', () => {
    const text = readFileSync(join(dir, 'test-action.yml'), 'utf8')
    expect(text).toContain('uses: ./')
    expect(text).toContain('emulator/cli.js')
  })

  test('dependabot watches npm and actions', () => {
    const config = parse(readFileSync(join(ROOT, '.github', 'dependabot.yml'), 'utf8')) as {
      updates: Array<{ 'package-ecosystem': string }>
    }
    expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual([
      'github-actions',
      'npm'
    ])
  })
})
