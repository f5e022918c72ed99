/** Bad input fails before any request, naming the input; good input reaches the wire as sent. */
import { describe, expect, test } from '@jest/globals'
import { errors, launch } from '../../tools/launcher.js'
import {
  baseInputs,
  run,
  TEST_ACCESS_KEY_SECRET,
  TEST_PIPELINE_ID,
  useEmulator
} from './harness.js'

const emulator = useEmulator({
  pipelines: [
    { id: TEST_PIPELINE_ID, name: 'golden-ubuntu' },
    { id: 'ip-twin1', name: 'twin' },
    { id: 'ip-twin2', name: 'twin' },
    ...Array.from({ length: 120 }, (_, i) => ({ id: `ip-filler${i}`, name: `filler-${i}` })),
    { id: 'ip-lastpage', name: 'on-the-last-page' }
  ]
})

describe('bad input: fails before any request, naming the input', () => {
  test.each([
    ['region-id', { 'region-id': 'Hangzhou 1' }],
    ['image-pipeline-id', { 'image-pipeline-id': '' }],
    ['image-pipeline-name', { 'image-pipeline-name': 'golden' }],
    ['tags', { tags: 'aliyun:owner=me' }],
    ['tags', { tags: 'a=1\na=2' }],
    ['tags', { tags: Array.from({ length: 21 }, (_, i) => `k${i}=v`).join('\n') }],
    ['tags', { tags: 'url=https://example.com' }],
    ['wait', { wait: 'yes' }],
    ['timeout', { timeout: 'forever' }],
    ['poll-interval', { 'poll-interval': '0.5s' }],
    ['max-poll-interval', { 'max-poll-interval': '500ms' }],
    ['on-timeout', { 'on-timeout': 'ignore' }],
    ['cancel-on-job-cancel', { 'cancel-on-job-cancel': 'on' }],
    ['if-running', { 'if-running': 'queue' }],
    ['allow-partial-success', { 'allow-partial-success': 'y' }],
    ['client-token', { 'client-token': 'x'.repeat(65) }],
    ['endpoint', { endpoint: 'http://ecs.cn-hangzhou.aliyuncs.com' }],
    ['access-key-secret', { 'access-key-secret': '' }],
    [
      'role-session-expiration',
      {
        'access-key-id': '',
        'access-key-secret': '',
        'role-to-assume': 'acs:ram::1:role/ci',
        'oidc-provider-arn': 'acs:ram::1:oidc-provider/gh',
        'role-session-expiration': '100'
      }
    ]
  ])('%s: %p', async (input, overrides) => {
    const result = await run(emulator(), overrides)
    expect(result.exitCode).toBe(1)
    expect(errors(result)).toEqual([
      expect.stringMatching(new RegExp(`^ecs-image-builder: Input "${input}" `))
    ])
    expect(emulator().requests).toHaveLength(0)
    expect(result.outputs).toEqual({})
  })
})

test('secrets are masked before anything is logged', async () => {
  const result = await run(emulator(), { 'security-token': 'sts-token-abc' })
  const masks = result.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'))
  expect(masks).toEqual([`::add-mask::${TEST_ACCESS_KEY_SECRET}`, '::add-mask::sts-token-abc'])
  expect(result.stdout.indexOf('::add-mask::')).toBe(0)
})

test('credentials from the ALIBABA_CLOUD_* variables, as the vendor action exports them', async () => {
  const inputs = baseInputs(emulator(), { 'access-key-id': '', 'access-key-secret': '' })
  const result = await launch({
    inputs,
    env: {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tEmulatorTestKey',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: TEST_ACCESS_KEY_SECRET
    }
  })
  expect(result.exitCode).toBe(0)
  expect(result.stdout).toContain('credentials: AccessKey from ALIBABA_CLOUD_ACCESS_KEY_ID')
  expect(result.stdout).toContain(`::add-mask::${TEST_ACCESS_KEY_SECRET}`)
})

describe('image-pipeline-name', () => {
  test('found: resolved (following NextToken pages) and reported', async () => {
    const result = await run(emulator(), {
      'image-pipeline-id': '',
      'image-pipeline-name': 'on-the-last-page'
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs['image-pipeline-id']).toBe('ip-lastpage')
    expect(emulator().calls('StartImagePipelineExecution')[0].params.ImagePipelineId).toBe(
      'ip-lastpage'
    )
    expect(emulator().calls('DescribeImagePipelines')[0].params.Name).toBe('on-the-last-page')
  })

  test('not found: an error, and nothing started', async () => {
    const result = await run(emulator(), { 'image-pipeline-id': '', 'image-pipeline-name': 'nope' })
    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(
      /No image pipeline is named "nope" in cn-hangzhou\. Check image-pipeline-name and region-id/
    )
    expect(emulator().calls('StartImagePipelineExecution')).toHaveLength(0)
  })

  test('ambiguous: an error that lists what was found', async () => {
    const result = await run(emulator(), { 'image-pipeline-id': '', 'image-pipeline-name': 'twin' })
    expect(result.exitCode).toBe(1)
    expect(errors(result)[0]).toMatch(
      /2 image pipelines are named "twin" in cn-hangzhou: ip-twin1, ip-twin2\. Use image-pipeline-id/
    )
    expect(emulator().calls('StartImagePipelineExecution')).toHaveLength(0)
  })
})

test('tags are sent as Tag.N.Key / Tag.N.Value, in order', async () => {
  const result = await run(emulator(), { tags: 'commit=abc123\nworkflow=Bake images, empty=' })
  expect(result.exitCode).toBe(0)
  expect(emulator().calls('StartImagePipelineExecution')[0].params).toMatchObject({
    'Tag.1.Key': 'commit',
    'Tag.1.Value': 'abc123',
    'Tag.2.Key': 'workflow',
    'Tag.2.Value': 'Bake images',
    'Tag.3.Key': 'empty',
    'Tag.3.Value': ''
  })
  // ...then the provenance tags (on by default), from @actions/github's context.
  expect(emulator().executions[0].tags.map((tag) => tag.key)).toEqual([
    'commit',
    'workflow',
    'empty',
    'github-repository',
    'github-run',
    'github-sha'
  ])
  expect(
    emulator()
      .executions[0].tags.slice(3)
      .map((tag) => tag.value)
  ).toEqual(['octo-org/golden-images', '1234567890/1', expect.stringMatching(/^[0-9a-f]{40}$/)])
})

test('provenance-tags: false sends only your tags, and the summary links the run and commit', async () => {
  const result = await run(emulator(), { tags: 'commit=abc123', 'provenance-tags': 'false' })
  expect(result.exitCode).toBe(0)
  expect(emulator().executions[0].tags).toEqual([{ key: 'commit', value: 'abc123' }])
  expect(result.summary).toMatch(
    /\[Workflow run\]\(https:\/\/github\.com\/octo-org\/golden-images\/actions\/runs\/1234567890\/attempts\/1\) · \[Commit\]\(https:\/\/github\.com\/octo-org\/golden-images\/commit\/[0-9a-f]{40}\)/
  )
})

test('the ClientToken: derived from the run by default, the input when given', async () => {
  await run(emulator())
  const derived = emulator().calls('StartImagePipelineExecution')[0].params.ClientToken
  expect(derived).toMatch(/^gha-1234567890-1-[0-9a-f]{24}$/)
  await run(emulator(), { 'client-token': 'release-2026.11.23' })
  expect(emulator().calls('StartImagePipelineExecution')[1].params.ClientToken).toBe(
    'release-2026.11.23'
  )
})

test('two runs of one step (matrix legs, a re-run) never share a build: each token is its own', async () => {
  const first = await run(emulator())
  const again = await run(emulator())
  expect(first.exitCode).toBe(0)
  expect(again.exitCode).toBe(0)
  expect(again.outputs['execution-id']).not.toBe(first.outputs['execution-id'])
  expect(emulator().executions).toHaveLength(2)
  const tokens = emulator()
    .calls('StartImagePipelineExecution')
    .map((call) => call.params.ClientToken)
  expect(new Set(tokens).size).toBe(2)
})

test('a client-token used before is answered with the old execution: not ours, and if-running decides', async () => {
  const first = await run(emulator(), { 'client-token': 'release-1' })
  expect(first.exitCode).toBe(0)
  // CreationTime has whole seconds: the second step starts well after the first build was made.
  await new Promise((resolve) => setTimeout(resolve, 3000))
  const again = await run(emulator(), { 'client-token': 'release-1' })
  expect(again.exitCode).toBe(1)
  expect(errors(again)[0]).toMatch(
    /answered with execution exec-\w+ \(SUCCESS\), created at .*, before this step's first start request: its ClientToken was used before/
  )
  expect(emulator().executions).toHaveLength(1)
  const attached = await run(emulator(), { 'client-token': 'release-1', 'if-running': 'attach' })
  expect(attached.exitCode).toBe(0)
  expect(attached.outputs['execution-id']).toBe(first.outputs['execution-id'])
  expect(attached.summary).toContain('(attached)')
})

test('numbers as strings and "null" strings in responses are read correctly', async () => {
  emulator().quirks = true
  emulator().planNext(TEST_PIPELINE_ID, { imageId: 'm-quirky' })
  const result = await run(emulator())
  expect(result.exitCode).toBe(0)
  expect(result.outputs['image-id']).toBe('m-quirky')
  // While building there is no image: the "null" string never leaks into an output or the log.
  expect(result.stdout).not.toMatch(/\bnull\b/)
})
