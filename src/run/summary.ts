/**
 * The job summary's markdown, as a pure function of what happened. One section
 * per execution: pipeline, region, execution, final status, image, duration,
 * message, and the timeline of statuses seen.
 */
import { formatDuration } from '../inputs/duration.js'
import { forSummary, idForSummary } from '../untrusted.js'
import { isTerminal } from '../ecs/status.js'
import type { TimelineEntry } from '../wait/wait.js'
import type { Origin } from './context.js'

const ORIGIN_WORDS: Record<Origin, string> = {
  started: 'started',
  attached: 'attached',
  given: 'waited for'
}

export interface SummaryFacts {
  pipelineId?: string
  pipelineName?: string
  regionId: string
  executionId: string
  status?: string
  imageId?: string
  durationMs: number
  message?: string
  /** ErrorCode: ErrorInfo of a failed execution. */
  failure?: string
  /** How the step came to this execution. */
  origin: Origin
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

const ICONS: Record<string, string> = {
  SUCCESS: '✅',
  PARTITION_SUCCESS: '⚠️',
  FAILED: '❌',
  TEST_FAILED: '❌',
  CANCELLED: '⏹️'
}

/** Every value from the service goes into the summary through these (untrusted.ts). */
const cell = forSummary

function clock(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC')
}

/** Why the step noticed the end late, when the account's rate quota was the reason. */
function throttlingRow({ throttled, polls, slowedMs }: NonNullable<SummaryFacts['throttling']>) {
  return `| Throttled | ${throttled} of ${polls} polls (the account's API rate quota); waiting it out added about ${formatDuration(slowedMs)} |`
}

export function renderSummary(facts: SummaryFacts): string {
  const status = facts.status ?? 'UNKNOWN'
  const pipeline =
    facts.pipelineName && facts.pipelineId
      ? `${cell(facts.pipelineName)} (${idForSummary(facts.pipelineId)})`
      : facts.pipelineId
        ? idForSummary(facts.pipelineId)
        : cell(facts.pipelineName)
  const lines = [
    `### ${Object.hasOwn(ICONS, status) ? ICONS[status] : '⏳'} ECS image build ${cell(status)}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Pipeline | ${pipeline} |`,
    `| Region | ${cell(facts.regionId)} |`,
    `| Execution | ${idForSummary(facts.executionId)} (${ORIGIN_WORDS[facts.origin]}) |`,
    `| Status | ${cell(status)} |`,
    `| Image | ${facts.imageId ? idForSummary(facts.imageId) : '–'} |`,
    `| Duration | ${formatDuration(facts.durationMs)} |`,
    `| Message | ${cell(facts.message)} |`
  ]
  if (facts.failure) lines.push(`| Failure | ${cell(facts.failure)} |`)
  if (facts.throttling) lines.push(throttlingRow(facts.throttling))
  const links = [link('Workflow run', facts.links?.run), link('Commit', facts.links?.commit)]
  if (links.some(Boolean)) lines.push('', links.filter(Boolean).join(' · '))
  if (facts.note) lines.push('', `> ${cell(facts.note)}`)
  if (facts.timeline.length) {
    lines.push('', '| Status | Seen from | Lasted |', '| --- | --- | --- |')
    facts.timeline.forEach((entry, index) => {
      // The final status of an ended build has no duration: it is where things stay.
      const final = index === facts.timeline.length - 1 && isTerminal(entry.status)
      lines.push(
        `| ${cell(entry.status)} | ${clock(entry.since)} | ${final ? '–' : formatDuration(entry.until - entry.since)} |`
      )
    })
  }
  return lines.join('\n') + '\n'
}
