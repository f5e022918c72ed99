/** The README's local ways to try the action work as written: the demo, and @github/local-action from source. */
import { expect, test } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EcsEmulator } from '../../tools/emulator/server.js'
import { ROOT } from '../../tools/launcher.js'

test('npm run demo exits 0 and prints an image ID', () => {
  const result = spawnSync('npm', ['run', 'demo', '--silent'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000
  })
  expect(result.status).toBe(0)
  expect(result.stdout).toMatch(/^image-id=m-[0-9a-f]+$/m)
  expect(result.stdout).toContain('### ✅ ECS image build succeeded')
}, 150_000)

test('@github/local-action runs the action from source against the emulator, with .env.example', async () => {
  const emulator = new EcsEmulator()
  await emulator.start()
  const dir = mkdtempSync(join(tmpdir(), 'local-action-'))
  try {
    const envFile = join(dir, '.env')
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8')
    expect(example).toContain('INPUT_ENDPOINT=http://127.0.0.1:48080')
    writeFileSync(envFile, example.replace('http://127.0.0.1:48080', emulator.endpoint))
    // Asynchronously: the emulator answers from this very process.
    const result = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const child = spawn(
        join(ROOT, 'node_modules', '.bin', 'local-action'),
        ['run', ROOT, 'src/main.ts', envFile],
        { cwd: ROOT }
      )
      let stdout = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.on('close', (status) => resolve({ status, stdout }))
    })
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/'image-id'\s*│\s*'m-[0-9a-f]+'/)
    expect(emulator.calls('StartImagePipelineExecution')).toHaveLength(1)
  } finally {
    await emulator.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}, 150_000)
