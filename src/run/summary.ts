/**
 * The job summary's markdown, as a pure function of what happened. One section
 * per execution: a heading that says how the step ended, then pipeline,
 * region, execution, status, image, duration, message (or the failure
 * reason), the timeline of statuses seen, and links. Every value from the
 * service goes in through `forSummary` (runner/text.ts): HTML-escaped, one
 * cell, no link.
 */
import { formatDuration } from '../inputs/duration.js'
import { forSummary as cell, idForSummary } from '../runner/text.js'
import { isTerminal } from '../ecs/status.js'
import type { TimelineEntry } from '../wait/wait.js'
import type { Ownership } from './context.js'
import type { Conclusion } from './result.js'

const OWNERSHIP_WORDS: Record<Ownership, string> = {
  started: 'started',
  attached: 'attached',
  given: 'waited for'
}

export interface SummaryFacts {
  /** How the step ended; 'could-not-start' when no execution was reached. */
  conclusion: Conclusion | 'could-not-start'
  pipelineId?: string
  pipelineName?: string
  regionId: string
  executionId?: string
  status?: string
  imageId?: string
  durationMs: number
  message?: string
  /** ErrorCode: ErrorInfo of a failed execution, or why the step could not start. */
  failure?: string
  ownership?: Ownership
  /** What became of the build after a time-out or a cancelled run, in words. */
  note?: string
  /** Polls the API throttled, of how many, and what waiting them out added. */
  throttling?: { throttled: number; polls: number; slowedMs: number }
  /** The workflow run's page and the commit's (src/github.ts). */
  links?: { run?: string; commit?: string }
  timeline: TimelineEntry[]
}

/** A link of ours, shown only when it is a plain http(s) URL: nothing in it can break the markdown. */
function link(label: string, url: string | undefined): string | undefined {
  return url && /^https?:\/\/[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+$/.test(url) && !/[()[\]]/.test(url)
    ? `[${label}](${url})`
    : undefined
}

/**
 * The region's image list in the ECS console, in the form the vendor's
 * documentation links to it. The vendor documents no link to one image or to
 * an Image Builder execution, so none is made up.
 */
function consoleImagesUrl(regionId: string): string {
  return `https://ecs.console.aliyun.com/#/image/region/${encodeURIComponent(regionId)}/imageList`
}

const STATUS_WORDS: Record<string, string> = {
  FAILED: 'failed',
  TEST_FAILED: 'built an image that failed its tests',
  CANCELLED: 'was cancelled',
  PARTITION_SUCCESS: 'succeeded only in part',
  SUCCESS: 'ended without an image ID'
}

/** The heading: how the step ended, not only the build's last status. */
export function heading(facts: SummaryFacts): string {
  const status = facts.status ?? 'UNKNOWN'
  switch (facts.conclusion) {
    case 'succeeded':
      return status === 'PARTITION_SUCCESS'
        ? '### ⚠️ ECS image build succeeded in part (PARTITION_SUCCESS, accepted)'
        : '### ✅ ECS image build succeeded'
    case 'failed':
      return `### ❌ ECS image build ${STATUS_WORDS[status] ?? 'failed'} (${cell(status)})`
    case 'timed-out':
      return `### ⏱️ ECS image build timed out (last status ${cell(status)})`
    case 'polling-failed':
      return `### ❌ ECS image build could not be followed to its end (last status ${cell(status)})`
    case 'cancelled':
      return `### ⏹️ ECS image build cancelled with the workflow run (last status ${cell(status)})`
    case 'could-not-start':
      return '### ❌ ECS image build could not start'
  }
}

function pipelineCell({ pipelineId, pipelineName }: SummaryFacts): string {
  if (pipelineName && pipelineId) return `${cell(pipelineName)} (${idForSummary(pipelineId)})`
  return pipelineId ? idForSummary(pipelineId) : cell(pipelineName)
}

function imageCell({ imageId, status }: SummaryFacts): string {
  if (!imageId) return '–'
  if (status === 'TEST_FAILED')
    return `${idForSummary(imageId)} ❌ **failed its tests: do not deploy it**`
  if (status === 'PARTITION_SUCCESS')
    return `${idForSummary(imageId)} (copying, sharing or clean-up failed)`
  return idForSummary(imageId)
}

function rows(facts: SummaryFacts): string[] {
  const lines = [
    '| Build | |',
    '| --- | --- |',
    `| Pipeline | ${pipelineCell(facts)} |`,
    `| Region | ${cell(facts.regionId)} |`
  ]
  if (facts.executionId)
    lines.push(
      `| Execution | ${idForSummary(facts.executionId)}${facts.ownership ? ` (${OWNERSHIP_WORDS[facts.ownership]})` : ''} |`,
      `| Status | ${cell(facts.status)} |`,
      `| Image | ${imageCell(facts)} |`
    )
  lines.push(`| Duration | ${formatDuration(facts.durationMs)} |`)
  if (facts.executionId) lines.push(`| Message | ${cell(facts.message)} |`)
  if (facts.failure)
    lines.push(`| ${facts.executionId ? 'Failure' : 'Reason'} | ${cell(facts.failure)} |`)
  if (facts.note) lines.push(`| What became of it | ${cell(facts.note)} |`)
  if (facts.throttling) lines.push(throttlingRow(facts.throttling))
  return lines
}

/** Why the step noticed the end late, when the account's rate quota was the reason. */
function throttlingRow({ throttled, polls, slowedMs }: NonNullable<SummaryFacts['throttling']>) {
  return `| Throttled | ${throttled} of ${polls} polls (the account's API rate quota); waiting it out added about ${formatDuration(slowedMs)} |`
}

function timeOfDay(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC')
}

function timelineRows(timeline: TimelineEntry[]): string[] {
  if (!timeline.length) return []
  const lines = ['', '| Status seen | From | Lasted |', '| --- | --- | --- |']
  timeline.forEach((entry, index) => {
    // The final status of an ended build has no duration: it is where things stay.
    const final = index === timeline.length - 1 && isTerminal(entry.status)
    lines.push(
      `| ${cell(entry.status)} | ${timeOfDay(entry.since)} | ${final ? '–' : formatDuration(entry.durationMs)} |`
    )
  })
  return lines
}

export function renderSummary(facts: SummaryFacts): string {
  const links = [
    link('Workflow run', facts.links?.run),
    link('Commit', facts.links?.commit),
    link(`Images in ${facts.regionId} (ECS console)`, consoleImagesUrl(facts.regionId))
  ].filter(Boolean)
  return [
    heading(facts),
    '',
    ...rows(facts),
    ...timelineRows(facts.timeline),
    '',
    links.join(' · '),
    ''
  ].join('\n')
}
