/**
 * `node build/tools/compare-requests.js <commit>`: runs that commit's dist/ and
 * today's through the same scenarios against the emulator and compares what the
 * emulator recorded (every request, its parameters and answer) and what the
 * step wrote (exit code, outputs). Used to check that a change meant to keep
 * behaviour (issue 23's renames and moves) kept it. Exits 1 on a difference.
 *
 * What varies from run to run is normalised: IDs the emulator makes up, the
 * random part of the default ClientToken, signatures, nonces and timestamps, and
 * the number of polls in a row that saw the same status (the schedule has jitter).
 */
import { distAt } from './dist-at.js'
import { EcsEmulator, type Fault, TEST_PIPELINE_ID, TEST_PIPELINE_NAME } from './emulator/server.js'
import { emulatorInputs, launch, type LaunchOptions, ROOT } from './launcher.js'

interface Scenario {
  name: string
  inputs?: Record<string, string>
  faults?: Fault[]
  /** Building this long before SUCCESS (ms). */
  buildMs?: number
  seedRunning?: boolean
  post?: boolean
}

const SCENARIOS: Scenario[] = [
  { name: 'success by ID', inputs: { tags: 'team=platform' } },
  {
    name: 'success by name',
    inputs: { 'image-pipeline-id': '', 'image-pipeline-name': TEST_PIPELINE_NAME }
  },
  {
    name: 'throttled start',
    faults: [{ action: 'StartImagePipelineExecution', kind: 'throttle' }]
  },
  {
    name: '503 on a poll',
    faults: [{ action: 'DescribeImagePipelineExecutions', kind: 'http503' }]
  },
  { name: 'wait: false', inputs: { wait: 'false' } },
  { name: 'refused start', faults: [{ action: 'StartImagePipelineExecution', kind: 'forbidden' }] },
  { name: 'time-out, cancel', inputs: { timeout: '4s' }, buildMs: 60_000, post: true },
  { name: 'if-running: attach', inputs: { 'if-running': 'attach' }, seedRunning: true }
]

const VARYING = new Set(['Signature', 'SignatureNonce', 'Timestamp', 'SecurityToken'])

/** One scenario's record, with what varies between runs replaced by stable names. */
async function record(scenario: Scenario, root: string): Promise<string[]> {
  const emulator = new EcsEmulator({
    defaultPlan: { steps: [{ status: 'BUILDING', ms: scenario.buildMs ?? 1500 }] }
  })
  await emulator.start()
  try {
    if (scenario.seedRunning)
      emulator.seedExecution(TEST_PIPELINE_ID, { steps: [{ status: 'BUILDING', ms: 1500 }] })
    emulator.inject(...(scenario.faults ?? []))
    const options: LaunchOptions = {
      inputs: emulatorInputs(emulator, scenario.inputs),
      post: scenario.post,
      root,
      timeoutMs: 60_000
    }
    const result = await launch(options)
    const names = new Map<string, string>()
    const stable = (text: string): string =>
      text.replace(/\b(exec|m)-[0-9a-f]{20}\b|\bgha-\w+-\d+-[0-9a-f]{24}\b/g, (id) => {
        if (!names.has(id)) names.set(id, `<id ${names.size + 1}>`)
        return names.get(id) as string
      })
    const lines = emulator.requests.map((r) => {
      const params = Object.entries(r.params).filter(([k]) => !VARYING.has(k))
      return stable(
        `${r.action} ${JSON.stringify(params)} -> ${r.httpStatus} ${r.code ?? ''} ${r.fault ?? ''} ${r.statuses?.join(',') ?? ''}`
      )
    })
    const outputs = Object.entries(result.outputs).filter(([k]) => k !== 'duration-seconds')
    return [
      ...lines.filter((line, i) => line !== lines[i - 1]),
      stable(`exit ${result.exitCode}, post exit ${result.post?.exitCode ?? '-'}`),
      stable(`outputs ${JSON.stringify(outputs)}`)
    ]
  } finally {
    await emulator.stop()
  }
}

async function main(): Promise<void> {
  const commit = process.argv[2]
  if (!commit) throw new Error('usage: compare-requests <commit>')
  const before = distAt(commit)
  let differences = 0
  try {
    for (const scenario of SCENARIOS) {
      const [was, now] = [await record(scenario, before.root), await record(scenario, ROOT)]
      const same = JSON.stringify(was) === JSON.stringify(now)
      if (!same) differences++
      console.log(`${same ? 'same' : 'DIFFERENT'}: ${scenario.name} (${now.length} lines)`)
      if (!same)
        console.log(`  ${commit}:\n    ${was.join('\n    ')}\n  today:\n    ${now.join('\n    ')}`)
    }
  } finally {
    before.remove()
  }
  process.exitCode = differences === 0 ? 0 : 1
}

await main()
