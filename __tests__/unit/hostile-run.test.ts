/**
 * Whole runs with the real @actions/core, arbitrary strings in every field of
 * every answer the action reads: no line the action did not mean to write
 * starts with "::", outputs are the six names with bounded sizes, the summary
 * holds no HTML from the service and keeps its table shape, and no secret
 * appears outside ::add-mask::.
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
      credentials: () => new StaticCredentials('LTAI-id', SECRET),
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

const OURS = /^::(debug|group|endgroup|warning|error)::|^::add-mask::/

test('hostile answers: no foreign command, bounded outputs, an intact summary, no secret', async () => {
  await fc.assert(
    fc.asyncProperty(answer, async (a) => {
      const { stdout, outputs, summary } = await hostileRun(a)
      const lines = stdout.split(/\r?\n/)
      for (const line of lines.filter((l) => l.trimStart().startsWith('::')))
        expect(line).toMatch(OURS)
      expect(lines.filter((l) => l.startsWith('::add-mask::'))).toEqual([`::add-mask::${SECRET}`])
      const unmasked = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n')
      expect(unmasked).not.toContain(SECRET)
      for (const [name, value] of Object.entries(outputs)) {
        expect(Object.values(Outputs)).toContain(name)
        expect(value.length).toBeLessThanOrEqual(4096)
        expect(value).not.toContain(SECRET)
      }
      expect(summary).not.toContain(SECRET)
      expect(summary.replace(/<br>/g, '')).not.toMatch(/<[a-z!/]/i)
      expect(Buffer.byteLength(summary)).toBeLessThan(1024 * 1024)
      expectTables(summary)
    }),
    { numRuns: 60 }
  )
})

/** The facts table has two cells a row; the timeline, three; no other block holds a table row. */
function expectTables(summary: string): void {
  for (const block of summary.split(/\n\n/)) {
    const rows = block.split('\n').filter((line) => line.startsWith('|'))
    const cells = rows[0] === '| | |' ? 4 : rows[0]?.startsWith('| Status | Seen from') ? 5 : 0
    if (cells === 0) expect(rows).toEqual([])
    for (const row of rows) expect(row.split('|')).toHaveLength(cells)
  }
}
