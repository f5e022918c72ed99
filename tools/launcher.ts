/**
 * Runs the bundled action the way the GitHub runner does: INPUT_* variables (dashes
 * kept, as @actions/core reads them), fresh GITHUB_OUTPUT / GITHUB_STATE /
 * GITHUB_STEP_SUMMARY files, the GITHUB_* run variables, the post step with
 * STATE_* from the main step, and a cancelled run as SIGINT then SIGTERM 7.5 s later.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  TEST_ACCESS_KEY_ID,
  TEST_ACCESS_KEY_SECRET,
  TEST_PIPELINE_ID,
  type EcsEmulator
} from './emulator/server.js'

export const ROOT = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  ...(import.meta.url.includes('/build/') ? ['..'] : [])
)

export interface LaunchOptions {
  inputs: Record<string, string>
  /** Extra environment (ALIBABA_CLOUD_* and the like). Nothing else leaks in from the parent. */
  env?: Record<string, string>
  /** Run the post step after the main step (as action.yml's runs.post does). */
  post?: boolean
  /** Cancel the run (SIGINT, then SIGTERM 7.5 s later) once stdout matches, or after a delay. */
  cancelWhen?: RegExp
  cancelAfterMs?: number
  sigtermAfterMs?: number
  /** Kill the main step outright (SIGKILL) once stdout matches: a runner that gave up on it. */
  killWhen?: RegExp
  node?: string
  /** The checkout whose dist/ runs (tools/compare-requests.ts runs an older one); this one by default. */
  root?: string
  /** Record every outgoing connection the step makes (tools/connection-log.cjs). */
  connectionLog?: string
  /** The runner's wall clock jumps by `jumpMs` after `afterMs` (tools/clock-jump.cjs); 0: off from the start. */
  clockJump?: { jumpMs: number; afterMs: number }
  /** Write the step's peak resident set size, in KiB, to this file (tools/max-rss.cjs). */
  maxRssFile?: string
  /** Host names that resolve to these addresses in the step, as a hosts file would (tools/hosts.cjs). */
  hosts?: Record<string, string>
  /** Runner files that cannot be written: each is made a directory. */
  unwritable?: Array<'GITHUB_OUTPUT' | 'GITHUB_STATE' | 'GITHUB_STEP_SUMMARY'>
  /** Kill the step if it runs longer than this. */
  timeoutMs?: number
}

export interface WorkflowCommand {
  command: string
  properties: Record<string, string>
  message: string
}

export interface StepResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  commands: WorkflowCommand[]
  /** When SIGINT was sent, in epoch ms. */
  cancelledAt?: number
}

export interface LaunchResult extends StepResult {
  post?: StepResult
}

/** Parses the `name<<delimiter` file format of GITHUB_OUTPUT and GITHUB_STATE. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const body: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i])
      values[name] = body.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      values[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return values
}

export function parseCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = []
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line)
    if (!match) continue
    const properties: Record<string, string> = {}
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const at = pair.indexOf('=')
      properties[pair.slice(0, at)] = unescape(pair.slice(at + 1))
    }
    commands.push({ command: match[1], properties, message: unescape(match[3]) })
  }
  return commands
}

function unescape(value: string): string {
  return value
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%')
}

function runEnv(dir: string, options: LaunchOptions): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_REPOSITORY: 'octo-org/golden-images',
    GITHUB_RUN_ID: '1234567890',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'bake',
    GITHUB_ACTION: 'image',
    GITHUB_WORKFLOW: 'Bake images',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: dir,
    RUNNER_TEMP: dir,
    RUNNER_OS: 'Linux',
    ...options.env
  }
  const preloads: string[] = []
  if (options.connectionLog) {
    preloads.push('connection-log.cjs')
    env.CONNECTION_LOG = options.connectionLog
  }
  if (options.clockJump) {
    preloads.push('clock-jump.cjs')
    env.CLOCK_JUMP_MS = String(options.clockJump.jumpMs)
    env.CLOCK_JUMP_AFTER_MS = String(options.clockJump.afterMs)
  }
  if (options.hosts) {
    preloads.push('hosts.cjs')
    env.HOSTS_MAP = Object.entries(options.hosts)
      .map(([name, address]) => `${name}=${address}`)
      .join(',')
  }
  if (options.maxRssFile) {
    preloads.push('max-rss.cjs')
    env.MAX_RSS_FILE = options.maxRssFile
  }
  if (preloads.length)
    env.NODE_OPTIONS = preloads.map((file) => `--require ${join(ROOT, 'tools', file)}`).join(' ')
  for (const [name, value] of Object.entries(options.inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return env
}

/** Fresh runner files for one step; the unwritable ones made directories. */
function runnerFiles(dir: string, options: LaunchOptions): Record<string, string> {
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path')
  }
  for (const [name, file] of Object.entries(files)) {
    if (options.unwritable?.includes(name as 'GITHUB_OUTPUT')) mkdirSync(file, { recursive: true })
    else if (!existsSync(file) || !statSync(file).isDirectory()) writeFileSync(file, '')
  }
  return files
}

async function runStep(
  entry: string,
  env: Record<string, string>,
  dir: string,
  options: LaunchOptions,
  cancel: boolean
): Promise<StepResult> {
  const files = runnerFiles(dir, options)
  const child = spawn(options.node ?? process.execPath, [join(options.root ?? ROOT, entry)], {
    env: { ...env, ...files },
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const watched = watch(child, options, cancel)
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.on('close', (code, sig) => done([code, sig]))
  )
  watched.timers.forEach(clearTimeout)
  return {
    exitCode,
    signal,
    stdout: watched.stdout,
    stderr: watched.stderr,
    outputs: parseFileCommands(readIfFile(files.GITHUB_OUTPUT)),
    state: parseFileCommands(readIfFile(files.GITHUB_STATE)),
    summary: readIfFile(files.GITHUB_STEP_SUMMARY),
    commands: parseCommands(watched.stdout),
    cancelledAt: watched.cancelledAt
  }
}

/** Collects the step's output, and cancels or kills it as the options say. */
function watch(
  child: ChildProcessByStdio<null, Readable, Readable>,
  options: LaunchOptions,
  cancel: boolean
) {
  const watched = {
    stdout: '',
    stderr: '',
    cancelledAt: undefined as number | undefined,
    timers: [] as NodeJS.Timeout[]
  }
  const sendCancel = (): void => {
    if (watched.cancelledAt !== undefined || child.exitCode !== null) return
    watched.cancelledAt = Date.now()
    child.kill('SIGINT')
    watched.timers.push(
      setTimeout(
        () => child.exitCode === null && child.kill('SIGTERM'),
        options.sigtermAfterMs ?? 7500
      )
    )
  }
  child.stdout.on('data', (chunk: Buffer) => {
    watched.stdout += chunk.toString()
    if (cancel && options.cancelWhen?.test(watched.stdout)) sendCancel()
    if (cancel && options.killWhen?.test(watched.stdout)) child.kill('SIGKILL')
  })
  child.stderr.on('data', (chunk: Buffer) => (watched.stderr += chunk.toString()))
  if (cancel && options.cancelAfterMs !== undefined)
    watched.timers.push(setTimeout(sendCancel, options.cancelAfterMs))
  watched.timers.push(setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000))
  return watched
}

/** A runner file's text; nothing when it is a directory (made unwritable on purpose). */
function readIfFile(path: string): string {
  return statSync(path).isDirectory() ? '' : readFileSync(path, 'utf8')
}

export async function launch(options: LaunchOptions): Promise<LaunchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-image-builder-'))
  try {
    const env = runEnv(dir, options)
    const main = await runStep('dist/index.js', env, dir, options, true)
    if (!options.post) return main
    const stateEnv: Record<string, string> = {}
    for (const [name, value] of Object.entries(main.state)) stateEnv[`STATE_${name}`] = value
    const post = await runStep('dist/post/index.js', { ...env, ...stateEnv }, dir, options, false)
    return { ...main, post }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The error annotations (`::error::`) the step printed. */
export function errors(result: StepResult): string[] {
  return result.commands.filter((c) => c.command === 'error').map((c) => c.message)
}

/** Inputs that build the emulator's test pipeline with its test keys, polling every second. */
export function emulatorInputs(
  emulator: Pick<EcsEmulator, 'endpoint'>,
  overrides: Record<string, string> = {}
): Record<string, string> {
  return {
    'region-id': 'cn-hangzhou',
    'image-pipeline-id': TEST_PIPELINE_ID,
    endpoint: emulator.endpoint,
    'access-key-id': TEST_ACCESS_KEY_ID,
    'access-key-secret': TEST_ACCESS_KEY_SECRET,
    'poll-interval': '1s',
    'max-poll-interval': '2s',
    timeout: '2m',
    ...overrides
  }
}
