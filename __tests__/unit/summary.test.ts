import { expect, test } from '@jest/globals'
import { renderSummary, type SummaryFacts } from '../../src/run/summary.js'
import { forSummary as cell } from '../../src/untrusted.js'

const t0 = Date.UTC(2026, 10, 23, 8, 0, 0)
const facts: SummaryFacts = {
  pipelineId: 'ip-123',
  pipelineName: 'golden',
  regionId: 'cn-hangzhou',
  executionId: 'exec-1',
  status: 'SUCCESS',
  imageId: 'm-abc',
  durationMs: 3_723_000,
  message: 'done | ok',
  origin: 'started',
  timeline: [
    { status: 'PREPARING', since: t0, until: t0 + 60_000 },
    { status: 'BUILDING', since: t0 + 60_000, until: t0 + 3_600_000 },
    { status: 'SUCCESS', since: t0 + 3_723_000, until: t0 + 3_723_000 }
  ]
}

test('a full summary', () => {
  expect(renderSummary(facts)).toBe(
    [
      '### ✅ ECS image build SUCCESS',
      '',
      '| | |',
      '| --- | --- |',
      '| Pipeline | golden (`ip-123`) |',
      '| Region | cn-hangzhou |',
      '| Execution | `exec-1` (started) |',
      '| Status | SUCCESS |',
      '| Image | `m-abc` |',
      '| Duration | 1h 2m 3s |',
      '| Message | done &#124; ok |',
      '',
      '| Status | Seen from | Lasted |',
      '| --- | --- | --- |',
      '| PREPARING | 2026-11-23 08:00:00 UTC | 1m |',
      '| BUILDING | 2026-11-23 08:01:00 UTC | 59m |',
      '| SUCCESS | 2026-11-23 09:02:03 UTC | – |',
      ''
    ].join('\n')
  )
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

test('a time-out: no image, a running last status with its duration, and a note', () => {
  const markdown = renderSummary({
    ...facts,
    status: 'BUILDING',
    imageId: undefined,
    pipelineName: undefined,
    note: 'Timed out; a cancel was requested.',
    timeline: facts.timeline.slice(0, 2)
  })
  expect(markdown).toContain('### ⏳ ECS image build BUILDING')
  expect(markdown).toContain('| Pipeline | `ip-123` |')
  expect(markdown).toContain('| Image | – |')
  expect(markdown).toContain('> Timed out; a cancel was requested.')
  expect(markdown).toContain('| BUILDING | 2026-11-23 08:01:00 UTC | 59m |')
})

test.each([
  ['FAILED', '❌'],
  ['TEST_FAILED', '❌'],
  ['PARTITION_SUCCESS', '⚠️'],
  ['CANCELLED', '⏹️']
])('%s has icon %s', (status, icon) => {
  expect(renderSummary({ ...facts, status })).toMatch(
    new RegExp(`^### ${icon} ECS image build ${status}`)
  )
})

test('cells cannot inject markup or break the table', () => {
  expect(cell('<script>a|b</script>\nnext')).toBe('&lt;script&gt;a&#124;b&lt;/script&gt;<br>next')
  expect(cell(undefined)).toBe('–')
})

test('links to the workflow run and the commit, when they are plain URLs', () => {
  const links = {
    run: 'https://github.com/o/r/actions/runs/42/attempts/1',
    commit: 'https://github.com/o/r/commit/abc123'
  }
  const markdown = renderSummary({ ...facts, links })
  expect(markdown).toContain(`[Workflow run](${links.run}) · [Commit](${links.commit})`)
  const odd = renderSummary({
    ...facts,
    links: { run: 'javascript:alert(1)', commit: 'https://x/y)(z' }
  })
  expect(odd).not.toContain('Workflow run')
  expect(odd).not.toContain('[Commit]')
})
