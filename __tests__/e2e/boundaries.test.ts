/**
 * Issue 20, finding by finding, through dist/ as the runner runs it. Each test
 * names the finding it reproduces; stdout is judged with a port of the
 * runner's own command parser, the summary with a GFM renderer.
 */
import { afterEach, describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { hrefs, renderGfm } from '../../__fixtures__/gfm.js'
import { parseRunnerLog } from '../../__fixtures__/runner-commands.js'
import { EcsEmulator, TEST_PIPELINE_ID, TEST_PIPELINE_NAME } from '../../tools/emulator/server.js'
import { GITHUB_ISSUER, IdTokenServer } from '../../tools/id-token.js'
import { HOSTILE_CASES, MEMORY_BOUND_MB, runHostile } from '../../tools/hostile-memory.js'
import { errors, type LaunchResult } from '../../tools/launcher.js'
import { DEBUG, POLL, run, useEmulator } from './harness.js'

const emulator = useEmulator()
/** Credentials by OIDC role assumption alone (the harness gives access keys by default). */
const OIDC = {
  'access-key-id': '',
  'access-key-secret': '',
  'role-to-assume': 'acs:ram::1:role/ci',
  'oidc-provider-arn': 'acs:ram::1:oidc-provider/gh'
}
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** Every command the runner would process, in either form (and as its culture-aware search would find them). */
function commands(result: LaunchResult) {
  const out = `${result.stdout}${result.post?.stdout ?? ''}`
  return [...parseRunnerLog(out), ...parseRunnerLog(out.replace(/\p{DI}/gu, ''))]
}

const OURS = new Set(['debug', 'group', 'endgroup', 'warning', 'error', 'notice', 'add-mask'])

describe('the runner boundary', () => {
  test('#1 the legacy ##[name] form mid-line forges nothing: no output, state, annotation or stop-commands', async () => {
    emulator().planNext(TEST_PIPELINE_ID, {
      end: 'FAILED',
      steps: [
        { status: 'BUILDING', ms: 300, message: 'x ##[set-output name=image-id;]m-FORGED' },
        { status: 'TESTING', ms: 300, message: 'y ##[save-state name=done;]true' },
        { status: 'RELEASING', ms: 300, message: '##[stop-commands]tok' }
      ],
      message: 'z ##[error file=.github/workflows/ci.yml,line=1]forged ##[add-mask]FAILED'
    })
    const result = await run(emulator(), {}, { post: true, env: DEBUG })
    expect(result.exitCode).toBe(1)
    for (const command of commands(result)) {
      expect(OURS.has(command.command)).toBe(true)
      expect(command.form).toBe('v2')
    }
    expect(result.outputs['image-id']).not.toBe('m-FORGED')
    expect(result.state.done).toBe('true')
    expect(result.stdout).toContain('##\\[set-output')
  })

  test('#2 bidi overrides and zero-width characters are shown escaped in the log, outputs and summary', async () => {
    emulator().planNext(TEST_PIPELINE_ID, { message: 'ok\u202Eexe.gnp\u200B\u200D done' })
    const result = await run(emulator())
    expect(result.exitCode).toBe(0)
    for (const text of [result.stdout, result.outputs.message, result.summary])
      expect(text).not.toMatch(/[\u202E\u200B\u200D]/)
    expect(result.outputs.message).toBe('ok\\u202Eexe.gnp\\u200B\\u200D done')
    expect(result.stdout).toContain('\\u202E')
  })

  test('#3 a bare URL, www. or an e-mail address in a Message is no link in the rendered summary', async () => {
    emulator().planNext(TEST_PIPELINE_ID, {
      message: 'see https://evil.invalid/login and www.evil.invalid or mail root@evil.invalid'
    })
    const result = await run(emulator())
    const links = hrefs(renderGfm(result.summary))
    expect(links.filter((href) => href.includes('evil'))).toEqual([])
    expect(links.length).toBeGreaterThan(0)
  })
})

describe('the network boundary', () => {
  test('#5 the GitHub ID-token request has a time limit, and the step keeps its timeout', async () => {
    const idTokens = new IdTokenServer({ hang: true })
    await idTokens.start()
    cleanups.push(() => idTokens.stop())
    const began = Date.now()
    const result = await run(
      emulator(),
      {
        ...OIDC,
        'sts-endpoint': emulator().endpoint,
        timeout: '10s'
      },
      { env: idTokens.env }
    )
    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(/GetIDToken .*RequestTimeout/)
    expect(Date.now() - began).toBeLessThan(10_000 + 5_000)
    expect(emulator().calls('StartImagePipelineExecution')).toHaveLength(0)
  }, 30_000)

  test('#6 a listing never pages past the deadline, and no build starts after it', async () => {
    emulator().inject({
      action: 'DescribeImagePipelines',
      kind: 'repeat-token',
      delayMs: 1500,
      times: 100
    })
    const began = Date.now()
    const result = await run(emulator(), {
      'image-pipeline-id': '',
      'image-pipeline-name': TEST_PIPELINE_NAME,
      timeout: '4s'
    })
    expect(result.exitCode).toBe(1)
    expect(Date.now() - began).toBeLessThan(4_000 + 3_000)
    expect(emulator().calls('StartImagePipelineExecution')).toHaveLength(0)
    const last = emulator().calls('DescribeImagePipelines').at(-1)!
    expect(last.at - began).toBeLessThan(4_000)
  }, 30_000)

  // SPEC "Bounds": memory stays under 100 MB whatever the service sends. The
  // action holds one page, compacted to at most 1 MiB (src/net/body.ts), and
  // gives back what the reads leave behind as they come (src/net/reclaim.ts).
  // Measured peaks (VmHWM, tools/max-rss.cjs): 54-88 MB on Node 20 and 24.
  // Before: up to 230 MB for listings of large pages (2.2 GB before pages were
  // read one at a time), 388 MB for pages sent a byte to a chunk, 275 MB for
  // one answer before compaction.
  test.each(HOSTILE_CASES.map((hostile) => [hostile.where, hostile.name, hostile] as const))(
    `#8 %s of %s: read within the bound, peak under ${MEMORY_BOUND_MB} MB`,
    async (_where, _name, hostile) => {
      const { result, peakMb, pages } = await runHostile(hostile)
      if (hostile.expected === 'SUCCESS') expect(result.outputs.status).toBe('SUCCESS')
      else if (hostile.expected === 'not-found') {
        expect(errors(result)[0]).toMatch(/No image pipeline is named "nothing"/)
        expect(pages).toBe(50)
      } else
        expect(errors(result)[0]).toMatch(/ResponseTooLarge: the answer is over 25,000 JSON values/)
      expect(peakMb).toBeLessThan(MEMORY_BOUND_MB)
    },
    60_000
  )

  test('#9 5xx and 429 bodies that are not the vendor error object, and broken framing: a healthy build passes', async () => {
    emulator().inject(
      { ...POLL, kind: 'null503' },
      { ...POLL, kind: 'array502' },
      { ...POLL, kind: 'string504' },
      { ...POLL, kind: 'xml500' },
      { ...POLL, kind: 'json500' },
      { ...POLL, kind: 'dup-length' },
      { ...POLL, kind: 'bad-status' }
    )
    const result = await run(emulator(), { timeout: '90s' }, { env: DEBUG })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('SUCCESS')
    expect(result.stdout).toMatch(/failed with HTTP503 \(HTTP 503\)/)
    expect(result.stdout).not.toContain('undefined')
    expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(0)
  }, 60_000)

  test('#10 an unreachable STS is a connection error, bounded by timeout; no answer is "unparsable"', async () => {
    const idTokens = new IdTokenServer()
    await idTokens.start()
    cleanups.push(() => idTokens.stop())
    const began = Date.now()
    const result = await run(
      emulator(),
      {
        ...OIDC,
        'sts-endpoint': 'http://127.0.0.1:9',
        timeout: '8s'
      },
      { env: idTokens.env }
    )
    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(
      /AssumeRoleWithOIDC .* failed: ECONNREFUSED: the connection was refused \(STS at 127\.0\.0\.1:9\)/
    )
    expect(errors(result)[0]).not.toMatch(/parsed as JSON|Unparsable/)
    expect(Date.now() - began).toBeLessThan(8_000 + 5_000)
  }, 30_000)

  test('#10 a self-signed STS certificate is refused at once, with what to check', async () => {
    const tls = new EcsEmulator({
      tls: {
        key: readFileSync('__fixtures__/tls/self-signed-key.pem', 'utf8'),
        cert: readFileSync('__fixtures__/tls/self-signed.pem', 'utf8')
      },
      sts: {
        roleArn: 'r',
        providerArn: 'p',
        audience: 'a',
        issuer: GITHUB_ISSUER,
        verify: () => ({ ok: false, code: 'X', message: 'x' })
      }
    })
    await tls.start()
    cleanups.push(() => tls.stop())
    const idTokens = new IdTokenServer()
    await idTokens.start()
    cleanups.push(() => idTokens.stop())
    const result = await run(
      emulator(),
      {
        ...OIDC,
        'sts-endpoint': `https://${tls.host}`
      },
      { env: idTokens.env }
    )
    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT/)
    expect(errors(result)[0]).toMatch(/NODE_EXTRA_CA_CERTS/)
    expect(idTokens.requests).toHaveLength(1)
    expect(tls.requests).toHaveLength(0)
  }, 30_000)

  test("#11 the vendor's x-acs-retry-after is honoured", async () => {
    emulator().planNext(TEST_PIPELINE_ID, { steps: [{ status: 'BUILDING', ms: 9000 }] })
    emulator().inject({ ...POLL, kind: 'retry-after', delayMs: 4000 })
    const result = await run(emulator())
    expect(result.exitCode).toBe(0)
    const polls = emulator().calls('DescribeImagePipelineExecutions')
    const refused = polls.findIndex((call) => call.fault === 'retry-after')
    expect(polls[refused + 1].at - polls[refused].at).toBeGreaterThanOrEqual(4000)
  }, 30_000)

  test('#12 a throttled start is retried until the deadline: eight refusals in a row still start one build', async () => {
    emulator().inject({ action: 'StartImagePipelineExecution', kind: 'throttle', times: 8 })
    const result = await run(emulator(), { timeout: '3m' })
    expect(result.exitCode).toBe(0)
    expect(emulator().calls('StartImagePipelineExecution')).toHaveLength(9)
    expect(emulator().executions).toHaveLength(1)
  }, 120_000)

  test('#13 a credential the service declared dead is not used again; the post step says why it cannot cancel', async () => {
    emulator().credentials.set('STS.static', {
      secret: 'static-secret',
      securityToken: 'static-token',
      expiresAt: Date.now() + 2500
    })
    emulator().planNext(TEST_PIPELINE_ID, { steps: [{ status: 'BUILDING', ms: 60_000 }] })
    const result = await run(
      emulator(),
      {
        'access-key-id': 'STS.static',
        'access-key-secret': 'static-secret',
        'security-token': 'static-token'
      },
      { post: true }
    )
    expect(result.exitCode).toBe(1)
    const refused = emulator().requests.filter((r) => r.code === 'InvalidSecurityToken.Expired')
    expect(refused).toHaveLength(1)
    expect(result.state['credentials-refused']).toBe('InvalidSecurityToken.Expired')
    expect(result.post?.stdout).toMatch(
      /refused this step's credentials \(InvalidSecurityToken\.Expired\), which cannot be renewed/
    )
    expect(result.post?.stdout).not.toMatch(/after the run was cancelled/)
  }, 30_000)

  test('#14 a listing that repeats its NextToken while resolving a name is reported as broken, not "not found"', async () => {
    emulator().inject({ action: 'DescribeImagePipelines', kind: 'repeat-token', times: 100 })
    const result = await run(emulator(), {
      'image-pipeline-id': '',
      'image-pipeline-name': 'not-in-the-first-page'
    })
    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(
      /repeated its NextToken after 2 page\(s\), so it could not be read whole/
    )
    expect(errors(result)[0]).not.toMatch(/No image pipeline is named/)
  })
})

describe('time', () => {
  // Ten minutes: within the service's 15-minute window for a request's time.
  test.each([
    ['forward', 10 * 60_000],
    ['back', -10 * 60_000]
  ])(
    '#15 the wall clock jumping %s mid-wait neither times the build out nor lets the step overrun',
    async (_way, jumpMs) => {
      emulator().planNext(TEST_PIPELINE_ID, { steps: [{ status: 'BUILDING', ms: 4000 }] })
      const result = await run(
        emulator(),
        { timeout: '20s' },
        { clockJump: { jumpMs, afterMs: 1500 } }
      )
      expect(result.exitCode).toBe(0)
      expect(result.outputs.status).toBe('SUCCESS')
      emulator().planNext(TEST_PIPELINE_ID, { steps: [{ status: 'BUILDING', ms: 600_000 }] })
      const began = Date.now()
      const timed = await run(
        emulator(),
        { timeout: '4s', 'on-timeout': 'leave' },
        { clockJump: { jumpMs, afterMs: 1000 } }
      )
      expect(timed.exitCode).toBe(1)
      expect(errors(timed)[0]).toMatch(/Timed out after 4s/)
      expect(Date.now() - began).toBeLessThan(4_000 + 3_000)
    },
    60_000
  )

  test("#15 a runner clock 20 minutes off gets InvalidTimeStamp.Expired and is told to check the runner's clock", async () => {
    const result = await run(emulator(), {}, { clockJump: { jumpMs: 20 * 60_000, afterMs: 0 } })
    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(
      /InvalidTimeStamp\.Expired: .*Check: check the runner's clock/
    )
  })
})

describe('the identity of a build', () => {
  test('#19 SUCCESS without an ImageId fails, saying the service returned no image ID', async () => {
    emulator().planNext(TEST_PIPELINE_ID, { imageId: null })
    const result = await run(emulator())
    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(/ended with SUCCESS .*but the service returned no image ID/)
    expect(result.outputs['image-id']).toBeUndefined()
    expect(result.summary).toContain('ended without an image ID')
  })

  test('#20 GITHUB_STATE cannot be written after the start: the build is cancelled, never left unseen, and the file is named', async () => {
    emulator().planNext(TEST_PIPELINE_ID, { steps: [{ status: 'BUILDING', ms: 60_000 }] })
    const result = await run(emulator(), {}, { unwritable: ['GITHUB_STATE'] })
    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(
      /Could not write what the post step needs \(execution-id\) to GITHUB_STATE \(.*\): EISDIR/
    )
    expect(errors(result)[0]).toMatch(/not left running unseen: a cancel was requested/)
    expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(1)
  }, 30_000)

  test('#20 GITHUB_OUTPUT cannot be written mid-wait: the healthy build goes on, and the step fails naming the file', async () => {
    const result = await run(emulator(), {}, { unwritable: ['GITHUB_OUTPUT'], post: true })
    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(
      /Could not write the output [a-z-]+ to GITHUB_OUTPUT \(.*\): EISDIR/
    )
    expect(emulator().calls('CancelImagePipelineExecution')).toHaveLength(0)
    expect(emulator().executions[0].stateAt(Date.now()).status).toBe('SUCCESS')
    expect(result.state.done).toBe('true')
  }, 30_000)
})
