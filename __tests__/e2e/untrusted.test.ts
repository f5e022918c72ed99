/**
 * Every byte from the cloud is data: hostile text in answers cannot issue
 * workflow commands, break the summary, grow without bound or leak a secret;
 * hostile input is refused before any request. Through dist/ and the emulator.
 */
import { expect, test } from '@jest/globals'
import { errors } from '../../tools/launcher.js'
import {
  QUICK_STEPS,
  run,
  TEST_ACCESS_KEY_SECRET,
  TEST_PIPELINE_ID,
  useEmulator
} from './harness.js'

const HOSTILE_NAME = 'golden | <b>bold</b> [x](https://evil.invalid)'
const emulator = useEmulator({ pipelines: [{ id: TEST_PIPELINE_ID, name: HOSTILE_NAME }] })

const OUR_COMMANDS = new Set(['debug', 'group', 'endgroup', 'warning', 'error', 'add-mask'])

/** Lines the runner would read as workflow commands, and those that are not ours. */
function foreignCommands(stdout: string): string[] {
  return stdout
    .split(/\r?\n/)
    .filter((line) => line.trimStart().startsWith('::'))
    .filter((line) => {
      const name = /^::([a-z-]+)/.exec(line.trimStart())?.[1] ?? ''
      // Ours, unless it is one the hostile text carries (an extra mask, a titled error).
      return !OUR_COMMANDS.has(name) || /^::(add-mask::golden|error title=)/.test(line.trimStart())
    })
}

const INJECTION = [
  'done',
  '::add-mask::golden',
  '::error title=Forged::Deploy approved',
  '::set-output name=image-id::m-FORGED',
  '::save-state name=done::true',
  '::stop-commands::token123',
  ''
].join('\n')

test('a Message carrying workflow commands issues none of them, and forges no output or state', async () => {
  emulator().planNext(TEST_PIPELINE_ID, {
    steps: QUICK_STEPS.map((step) => ({ ...step, message: `${step.message}\n${INJECTION}` })),
    end: 'FAILED',
    message: `Build failed\r\n${INJECTION}`
  })
  const result = await run(emulator(), {}, { post: true })
  expect(result.exitCode).toBe(1)
  expect(foreignCommands(result.stdout)).toEqual([])
  expect(Object.keys(result.outputs).sort()).toEqual(
    [
      'duration-seconds',
      'execution-id',
      'image-id',
      'image-pipeline-id',
      'message',
      'status'
    ].sort()
  )
  expect(result.outputs['image-id']).not.toContain('FORGED')
  expect(result.outputs.status).toBe('FAILED')
  // The step's own error line survives (no ::stop-commands:: swallowed it).
  expect(errors(result)).toEqual([expect.stringContaining('ended with FAILED')])
})

test('hostile names and messages stay inside their cells of the summary', async () => {
  emulator().planNext(TEST_PIPELINE_ID, {
    steps: QUICK_STEPS,
    message:
      'ok\r# Heading [link](https://evil.invalid) <img src=x onerror=alert(1)> | extra | cells |'
  })
  const result = await run(emulator())
  expect(result.exitCode).toBe(0)
  const summary = result.summary
  expect(summary).not.toMatch(/<(?!br>|wbr>)[a-z]/i)
  expect(summary).not.toContain('](https://evil.invalid)')
  expect(summary.split('\n').filter((line) => line.startsWith('#'))).toEqual([
    expect.stringMatching(/^### /)
  ])
  // Every row of the facts table has exactly its two cells.
  const facts = summary.split('\n').filter((line) => /^\| [A-Z][a-z]+ \|/.test(line))
  for (const row of facts.slice(0, 7)) expect(row.split('|')).toHaveLength(4)
})

test('a 2 MiB Message is cut: summary under 1 MiB, outputs and log lines bounded', async () => {
  const huge = 'x'.repeat(2 * 1024 * 1024)
  emulator().planNext(TEST_PIPELINE_ID, {
    steps: QUICK_STEPS.map((step) => ({ ...step, message: huge })),
    message: huge
  })
  const result = await run(emulator())
  expect(result.exitCode).toBe(0)
  expect(Buffer.byteLength(result.summary)).toBeLessThan(1024 * 1024)
  expect(result.outputs.message.length).toBeLessThanOrEqual(4096)
  expect(Math.max(...result.stdout.split('\n').map((line) => line.length))).toBeLessThanOrEqual(
    4 * 4096 + 100
  )
  expect(result.stdout.length).toBeLessThan(200 * 1024)
})

test('an ID that is not an ID is refused as a malformed answer, never written raw', async () => {
  emulator().planNext(TEST_PIPELINE_ID, { steps: QUICK_STEPS, imageId: 'm-1\n::warning::x<b>' })
  const result = await run(emulator(), { timeout: '5s' })
  expect(result.exitCode).toBe(1)
  expect(errors(result).join('\n')).toContain('MalformedResponse')
  expect(result.stdout).not.toContain('<b>')
  expect(result.summary).not.toContain('<b>')
  expect(result.outputs['image-id']).toBeUndefined()
})

test.each([
  ['endpoint', (port: string) => ({ endpoint: `http://[::1]@127.0.0.2:${port}` })],
  ['sts-endpoint', () => ({ 'sts-endpoint': 'http://[::1]@sts.attacker.invalid' })],
  ['role-to-assume', () => ({ 'role-to-assume': 'acs:ram::1:role/ci\n::warning::forged' })],
  ['poll-interval', () => ({ 'poll-interval': '600h' })],
  ['timeout', () => ({ timeout: '9'.repeat(400) })]
])('hostile input %s is refused before any request', async (input, overrides) => {
  const port = new URL(emulator().endpoint).port
  const result = await run(emulator(), overrides(port))
  expect(result.exitCode).toBe(1)
  expect(errors(result)).toEqual([
    expect.stringMatching(new RegExp(`^ecs-image-builder: Input "${input}" `))
  ])
  expect(foreignCommands(result.stdout)).toEqual([])
  expect(emulator().requests).toHaveLength(0)
})

test('a secret the service echoes back reaches neither the log nor the summary', async () => {
  emulator().planNext(TEST_PIPELINE_ID, { steps: [{ status: 'BUILDING', ms: 60_000 }] })
  emulator().inject({
    action: 'CancelImagePipelineExecution',
    kind: 'echo',
    times: 20,
    message: `The request signature does not conform. Server string to sign is: POST&%2F&AccessKeySecret%3D${encodeURIComponent(TEST_ACCESS_KEY_SECRET)} (${TEST_ACCESS_KEY_SECRET})`
  })
  const result = await run(emulator(), { timeout: '2s' })
  expect(result.exitCode).toBe(1)
  expect(result.summary).toContain('the cancel request failed')
  expect(result.summary).not.toContain(TEST_ACCESS_KEY_SECRET)
  const lines = result.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'))
  expect(lines.join('\n')).not.toContain(TEST_ACCESS_KEY_SECRET)
  expect(JSON.stringify(result.outputs)).not.toContain(TEST_ACCESS_KEY_SECRET)
})
