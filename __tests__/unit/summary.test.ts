/**
 * The job summary, rendered as GitHub renders it (GFM to HTML): a heading that
 * says how the step ended, real header rows, a failed test marked, links.
 */
import { describe, expect, test } from '@jest/globals'
import { hrefs, renderGfm, tableShapes, tags } from '../../__fixtures__/gfm.js'
import { heading, renderSummary, type SummaryFacts } from '../../src/run/summary.js'
import { forSummary as cell } from '../../src/runner/text.js'

const t0 = Date.UTC(2026, 10, 23, 8, 0, 0)
const facts: SummaryFacts = {
  conclusion: 'succeeded',
  pipelineId: 'ip-123',
  pipelineName: 'golden',
  regionId: 'cn-hangzhou',
  executionId: 'exec-1',
  status: 'SUCCESS',
  imageId: 'm-abc',
  durationMs: 3_723_000,
  message: 'done | ok',
  ownership: 'started',
  timeline: [
    { status: 'PREPARING', since: t0, durationMs: 60_000 },
    { status: 'BUILDING', since: t0 + 60_000, durationMs: 3_540_000 },
    { status: 'SUCCESS', since: t0 + 3_723_000, durationMs: 0 }
  ]
}

test('a full summary', () => {
  expect(renderSummary(facts)).toBe(
    [
      '### ✅ ECS image build succeeded',
      '',
      '| Build | |',
      '| --- | --- |',
      '| Pipeline | golden (`ip-123`) |',
      '| Region | cn-hangzhou |',
      '| Execution | `exec-1` (started) |',
      '| Status | SUCCESS |',
      '| Image | `m-abc` |',
      '| Duration | 1h 2m 3s |',
      '| Message | done &#124; ok |',
      '',
      '| Status seen | From | Lasted |',
      '| --- | --- | --- |',
      '| PREPARING | 2026-11-23 08:00:00 UTC | 1m |',
      '| BUILDING | 2026-11-23 08:01:00 UTC | 59m |',
      '| SUCCESS | 2026-11-23 09:02:03 UTC | – |',
      '',
      '[Images in cn-hangzhou (ECS console)](https://ecs.console.aliyun.com/#/image/region/cn-hangzhou/imageList)',
      ''
    ].join('\n')
  )
})

test('rendered, every table has a real header row, and cells stay in their columns', () => {
  const html = renderGfm(
    renderSummary({ ...facts, links: { run: 'https://github.com/o/r/actions/runs/1' } })
  )
  expect(tableShapes(html)).toEqual([
    [2, 2, 2, 2, 2, 2, 2, 2],
    [3, 3, 3, 3]
  ])
  expect(html).toContain('<th>Build</th>')
  expect(html).toContain('<th>Status seen</th>')
  expect(html).not.toMatch(/<th><\/th>\s*<th><\/th>/)
  expect(hrefs(html)).toEqual([
    'https://github.com/o/r/actions/runs/1',
    'https://ecs.console.aliyun.com/#/image/region/cn-hangzhou/imageList'
  ])
})

describe('the heading says how the step ended', () => {
  test.each<[Partial<SummaryFacts>, RegExp]>([
    [{}, /^### ✅ ECS image build succeeded$/],
    [{ status: 'PARTITION_SUCCESS' }, /succeeded in part \(PARTITION_SUCCESS, accepted\)/],
    [{ conclusion: 'failed', status: 'FAILED' }, /^### ❌ ECS image build failed \(FAILED\)$/],
    [
      { conclusion: 'failed', status: 'TEST_FAILED' },
      /built an image that failed its tests \(TEST_FAILED\)/
    ],
    [{ conclusion: 'failed', status: 'CANCELLED' }, /was cancelled \(CANCELLED\)/],
    [{ conclusion: 'failed', status: 'PARTITION_SUCCESS' }, /succeeded only in part/],
    [{ conclusion: 'failed', status: 'SUCCESS', imageId: undefined }, /ended without an image ID/],
    [
      { conclusion: 'timed-out', status: 'BUILDING' },
      /^### ⏱️ ECS image build timed out \(last status BUILDING\)$/
    ],
    [{ conclusion: 'cancelled', status: 'BUILDING' }, /cancelled with the workflow run/],
    [{ conclusion: 'polling-failed', status: 'BUILDING' }, /could not be followed to its end/],
    [{ conclusion: 'could-not-start' }, /^### ❌ ECS image build could not start$/]
  ])('%j', (change, words) => {
    expect(heading({ ...facts, ...change })).toMatch(words)
  })
})

test('a TEST_FAILED image is marked as one that failed its tests', () => {
  const markdown = renderSummary({
    ...facts,
    conclusion: 'failed',
    status: 'TEST_FAILED',
    imageId: 'm-bad'
  })
  expect(markdown).toContain('| Image | `m-bad` ❌ **failed its tests: do not deploy it** |')
})

test('a time-out: no image, the last running status with its duration, and what became of the build', () => {
  const markdown = renderSummary({
    ...facts,
    conclusion: 'timed-out',
    status: 'BUILDING',
    imageId: undefined,
    pipelineName: undefined,
    note: 'Timed out; a cancel was requested.',
    timeline: facts.timeline.slice(0, 2)
  })
  expect(markdown).toContain('| Pipeline | `ip-123` |')
  expect(markdown).toContain('| Image | – |')
  expect(markdown).toContain('| What became of it | Timed out; a cancel was requested. |')
  expect(markdown).toContain('| BUILDING | 2026-11-23 08:01:00 UTC | 59m |')
})

test('a start that was refused: the reason, and no execution rows', () => {
  const markdown = renderSummary({
    conclusion: 'could-not-start',
    pipelineId: 'ip-123',
    regionId: 'cn-hangzhou',
    durationMs: 2000,
    failure: 'StartImagePipelineExecution failed: Forbidden.RAM: not authorized',
    timeline: []
  })
  expect(markdown).toContain(
    '| Reason | StartImagePipelineExecution failed: Forbidden.RAM: not authorized |'
  )
  expect(markdown).not.toContain('| Execution |')
  expect(tableShapes(renderGfm(markdown))).toEqual([[2, 2, 2, 2, 2]])
})

test('throttling that slowed the wait gets a row: how many polls, and what it added', () => {
  const markdown = renderSummary({
    ...facts,
    throttling: { throttled: 7, polls: 31, slowedMs: 185_000 }
  })
  expect(markdown).toContain(
    "| Message | done &#124; ok |\n| Throttled | 7 of 31 polls (the account's API rate quota); waiting it out added about 3m 5s |\n"
  )
  expect(renderSummary(facts)).not.toContain('Throttled')
})

test('cells cannot inject markup or break the table', () => {
  expect(cell('<script>a|b</script>\nnext')).toBe('&lt;script&gt;a&#124;b&lt;/script&gt;<br>next')
  expect(cell(undefined)).toBe('–')
  const html = renderGfm(
    renderSummary({ ...facts, message: '<img src=x> **bold** https://evil.invalid' })
  )
  expect(tags(html)).not.toContain('img')
  expect(tags(html)).not.toContain('strong')
  expect(hrefs(html).some((href) => href.includes('evil'))).toBe(false)
})

test('links to the workflow run and the commit, when they are plain URLs', () => {
  const links = {
    run: 'https://github.com/o/r/actions/runs/42/attempts/1',
    commit: 'https://github.com/o/r/commit/abc123'
  }
  expect(renderSummary({ ...facts, links })).toContain(
    `[Workflow run](${links.run}) · [Commit](${links.commit})`
  )
  const odd = renderSummary({
    ...facts,
    links: { run: 'javascript:alert(1)', commit: 'https://x/y)(z' }
  })
  expect(odd).not.toContain('Workflow run')
  expect(odd).not.toContain('[Commit]')
})
