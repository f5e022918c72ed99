/**
 * Whole runs with the real @actions/core, arbitrary strings in every field of
 * every answer the action reads, judged by what reads the output:
 * - stdout by a port of the runner's own command parser (both forms,
 *   stop-commands honoured): every command it would process is one the action
 *   wrote itself, and no secret appears outside ::add-mask::;
 * - outputs: the six names, bounded, no format character;
 * - the summary rendered as GFM: our tables keep their shape, and the only
 *   tags and links are our own.
 */
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals'
import fc from 'fast-check'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { EventEmitter } from 'node:events'
import { FakeClock } from '../../__fixtures__/clock.js'
import { apiError, execution, FakeEcs } from '../../__fixtures__/fake-ecs.js'
import { hostile } from '../../__fixtures__/hostile.js'
import { ApiError } from '../../src/api/errors.js'
import { Outputs } from '../../src/constants.js'
import { StaticCredentials } from '../../src/credentials/provider.js'
import { run } from '../../src/main.js'
import type { Signals } from '../../src/run/cancellation.js'
import { parseFileCommands } from '../../tools/launcher.js'
import { hrefs, OUR_TAGS, renderGfm, tableShapes, tags } from '../../__fixtures__/gfm.js'
import { parseRunnerLog } from '../../__fixtures__/runner-commands.js'

const SECRET = 'Sup3r-Secret-Value-0123456789'
const dir = mkdtempSync(join(tmpdir(), 'hostile-'))
const files = {
  GITHUB_OUTPUT: join(dir, 'output'),
  GITHUB_STATE: join(dir, 'state'),
  GITHUB_STEP_SUMMARY: join(dir, 'summary')
}
const inputs: Record<string, string> = {
  'REGION-ID': 'cn-hangzhou',
  'IMAGE-PIPELINE-ID': 'ip-1',
  'ACCESS-KEY-ID': 'LTAI-id',
  'ACCESS-KEY-SECRET': SECRET,
  TIMEOUT: '1h'
}
const saved = { ...process.env }

beforeAll(() => {
  Object.assign(process.env, files)
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name}`] = value
})
afterAll(() => {
  process.env = saved
  rmSync(dir, { recursive: true, force: true })
})

/** A hostile text, sometimes carrying the secret the service might echo. */
const text = fc.oneof(
  hostile,
  hostile.map((t) => `${t}${SECRET}${t}`)
)
const id = fc.oneof(fc.constant(undefined), fc.constant('m-good1'), hostile)

const answer = fc.record({
  status: fc.oneof(fc.constantFrom('BUILDING', 'SUCCESS', 'FAILED', 'PARTITION_SUCCESS'), text),
  message: text,
  imageId: id,
  name: text,
  errorCode: fc.oneof(fc.constant('Forbidden.RAM'), text),
  errorMessage: text,
  errorInfo: text,
  fails: fc.constantFrom('none', 'start', 'cancel', 'find')
})

type Answer = typeof answer extends fc.Arbitrary<infer T> ? T : never

async function hostileRun(a: Answer) {
  for (const file of Object.values(files)) writeFileSync(file, '')
  core.summary.emptyBuffer()
  const ecs = new FakeEcs()
  const refusal = (operation: string) =>
    new ApiError({
      operation,
      code: a.errorCode,
      message: a.errorMessage,
      requestId: a.errorMessage,
      transient: false,
      throttled: false
    })
  ecs.polls.set('exec-new', [
    execution('exec-new', a.status, {
      message: a.message,
      imageId: a.imageId,
      errorCode: a.errorCode,
      errorInfo: a.errorInfo,
      creationTime: a.errorInfo,
      pipelineId: a.name
    })
  ])
  ecs.pipelines =
    a.fails === 'find'
      ? [refusal('DescribeImagePipelines')]
      : [[{ pipelineId: 'ip-1', name: a.name }]]
  if (a.fails === 'start') ecs.starts = [refusal('StartImagePipelineExecution')]
  if (a.fails === 'cancel') ecs.cancels = [refusal('CancelImagePipelineExecution'), apiError('X')]
  const written: string[] = []
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk))
    return true
  })
  try {
    await run({
      clock: new FakeClock(),
      signals: new EventEmitter() as unknown as Signals,
      makeProvider: () => new StaticCredentials('LTAI-id', SECRET),
      connect: () => ecs
    })
  } finally {
    spy.mockRestore()
    // The real core.setFailed sets the exit code of this very process: the test runner's.
    process.exitCode = undefined
  }
  return {
    stdout: written.join(''),
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  }
}

/** The commands the action writes itself, through @actions/core. */
const OURS = new Set(['debug', 'group', 'endgroup', 'warning', 'error', 'notice', 'add-mask'])
/** Our own links: the run, the commit, the console's image list. */
const OUR_LINKS = /^https:\/\/(github\.com\/octo-org\/golden-images\/|ecs\.console\.aliyun\.com\/)/

test('hostile answers: no foreign command, bounded outputs, an intact summary, no secret', async () => {
  await fc.assert(
    fc.asyncProperty(answer, async (a) => {
      const { stdout, outputs, summary } = await hostileRun(a)
      expectOnlyOurCommands(stdout)
      for (const [name, value] of Object.entries(outputs)) {
        expect(Object.values(Outputs)).toContain(name)
        expect(value.length).toBeLessThanOrEqual(4096)
        expect(value).not.toContain(SECRET)
        expect(value).not.toMatch(/[\p{Cf}\u2028\u2029]/u)
      }
      expect(summary).not.toContain(SECRET)
      expect(Buffer.byteLength(summary)).toBeLessThan(1024 * 1024)
      expectOurSummary(summary)
    }),
    { numRuns: 60 }
  )
})

/**
 * As the runner reads stdout (and as its culture-aware search would, skipping
 * default-ignorable characters): only our commands, in the v2 form, the secret
 * only in ::add-mask::, and never stop-commands (which would disarm every later mask).
 */
function expectOnlyOurCommands(stdout: string): void {
  for (const text of [stdout, stdout.replace(/\p{DI}/gu, '')]) {
    const commands = parseRunnerLog(text)
    for (const command of commands) {
      expect(OURS.has(command.command)).toBe(true)
      expect(command.form).toBe('v2')
    }
    expect(commands.filter((c) => c.command === 'add-mask').map((c) => c.data)).toEqual([SECRET])
  }
  const lines = stdout.split(/\r?\n/)
  expect(lines.filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain(SECRET)
}

/** Rendered as GitHub renders it: facts in two cells a row, the timeline in three, our tags and links only. */
function expectOurSummary(summary: string): void {
  const html = renderGfm(summary)
  for (const shape of tableShapes(html)) {
    expect(new Set(shape).size).toBe(1)
    expect([2, 3]).toContain(shape[0])
  }
  expect(tags(html).filter((tag) => !OUR_TAGS.has(tag))).toEqual([])
  for (const href of hrefs(html)) expect(href).toMatch(OUR_LINKS)
}
