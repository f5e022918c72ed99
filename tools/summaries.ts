/**
 * The job summary as GitHub shows it, for each way a step ends: the examples
 * in docs/summaries/ (markdown, and the HTML a GFM renderer makes of it) are
 * made from these facts by `npm run summaries`, and
 * __tests__/repo/summaries.test.ts checks they are today's.
 */
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { renderSummary, type SummaryFacts } from '../src/run/summary.js'

const t0 = Date.UTC(2026, 10, 23, 8, 0, 0)
const MINUTE = 60_000
const links = {
  run: 'https://github.com/octo-org/golden-images/actions/runs/1234567890/attempts/1',
  commit:
    'https://github.com/octo-org/golden-images/commit/0123456789abcdef0123456789abcdef01234567'
}
const base: SummaryFacts = {
  conclusion: 'succeeded',
  pipelineId: 'ip-2ze5tsl5bp6nf2b3xxxx',
  pipelineName: 'golden-ubuntu',
  regionId: 'cn-hangzhou',
  executionId: 'exec-5fb8facb8ed7427cxxxx',
  ownership: 'started',
  status: 'SUCCESS',
  imageId: 'm-bp1g7004ksh0oeuc0xxx',
  durationMs: 23 * MINUTE + 41_000,
  message: 'Image build success!',
  links,
  timeline: [
    { status: 'PREPARING', since: t0, durationMs: 3 * MINUTE },
    { status: 'BUILDING', since: t0 + 3 * MINUTE, durationMs: 14 * MINUTE },
    { status: 'TESTING', since: t0 + 17 * MINUTE, durationMs: 4 * MINUTE },
    { status: 'RELEASING', since: t0 + 21 * MINUTE, durationMs: 2 * MINUTE + 30_000 },
    { status: 'SUCCESS', since: t0 + 23 * MINUTE + 30_000, durationMs: 0 }
  ]
}

export const EXAMPLES: Record<string, SummaryFacts> = {
  success: base,
  'test-failed': {
    ...base,
    conclusion: 'failed',
    status: 'TEST_FAILED',
    imageId: 'm-bp1g7004ksh0oeuc0yyy',
    message: 'Test command exited with code 2',
    failure: 'TestFailed: smoke test check_nginx.sh failed',
    timeline: [
      ...base.timeline.slice(0, 3),
      { status: 'TEST_FAILED', since: t0 + 21 * MINUTE, durationMs: 0 }
    ]
  },
  'timed-out': {
    ...base,
    conclusion: 'timed-out',
    status: 'BUILDING',
    imageId: undefined,
    durationMs: 90 * MINUTE,
    message: 'Running build commands',
    note: 'Timed out; a cancel was requested for execution exec-5fb8facb8ed7427cxxxx.',
    timeline: [
      { status: 'PREPARING', since: t0, durationMs: 3 * MINUTE },
      { status: 'BUILDING', since: t0 + 3 * MINUTE, durationMs: 87 * MINUTE }
    ]
  },
  'could-not-start': {
    conclusion: 'could-not-start',
    pipelineId: 'ip-2ze5tsl5bp6nf2b3xxxx',
    regionId: 'cn-hangzhou',
    durationMs: 2_000,
    failure:
      'StartImagePipelineExecution (pipeline ip-2ze5tsl5bp6nf2b3xxxx) failed: Forbidden.RAM: User not authorized to operate on the specified resource. (RequestId: 6A1B4C2D-0000-4F1E-9C7D-111122223333). Denied: AuthAction=ecs:StartImagePipelineExecution. Check: the RAM identity needs ecs:StartImagePipelineExecution, ecs:DescribeImagePipelineExecutions, ecs:DescribeImagePipelines and ecs:CancelImagePipelineExecution',
    links,
    timeline: []
  }
}

/** The example's markdown, and its HTML as a GFM renderer makes it. */
export function rendered(facts: SummaryFacts): { markdown: string; html: string } {
  const markdown = renderSummary(facts)
  const html = micromark(markdown, {
    allowDangerousHtml: true,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()]
  })
  return { markdown, html }
}
