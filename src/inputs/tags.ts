/**
 * Execution tags: one `key=value` a line, commas also separate. Rules are those
 * the API enforces (StartImagePipelineExecution: InvalidTagKey.Malformed,
 * InvalidTagValue.Malformed, Duplicate.TagKey), checked here before any request.
 */
import type { RunOrigin } from '../github.js'

export interface Tag {
  key: string
  value: string
}

const MAX_TAGS = 20

export function parseTags(text: string): Tag[] {
  const entries = text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  if (entries.length > MAX_TAGS) {
    throw new Error(`has ${entries.length} tags; at most ${MAX_TAGS} are allowed`)
  }
  const seen = new Set<string>()
  return entries.map((entry) => {
    const eq = entry.indexOf('=')
    if (eq < 0) throw new Error(`"${entry}" is not key=value`)
    const tag = { key: entry.slice(0, eq).trim(), value: entry.slice(eq + 1).trim() }
    checkTag(tag)
    if (seen.has(tag.key)) throw new Error(`has the key "${tag.key}" twice`)
    seen.add(tag.key)
    return tag
  })
}

/** Where the build came from: the repository, the run (`run-id/attempt`) and the commit. */
export function provenanceTags(origin: RunOrigin): Tag[] {
  const tags: Tag[] = []
  if (origin.repository) tags.push({ key: 'github-repository', value: origin.repository })
  if (origin.runId !== undefined)
    tags.push({ key: 'github-run', value: `${origin.runId}/${origin.runAttempt ?? 1}` })
  if (origin.sha) tags.push({ key: 'github-sha', value: origin.sha })
  return tags
}

/** The user's tags, then each provenance tag whose key the user did not take; at most MAX_TAGS. */
export function withProvenance(tags: Tag[], provenance: Tag[]): Tag[] {
  const taken = new Set(tags.map((tag) => tag.key))
  const added = provenance.filter((tag) => !taken.has(tag.key))
  added.forEach(checkTag)
  const all = [...tags, ...added]
  if (all.length > MAX_TAGS)
    throw new Error(
      `has ${tags.length} tags, and with ${added.length} provenance tags (${added.map((t) => t.key).join(', ')}) that makes ${all.length}; at most ${MAX_TAGS} are allowed: remove some, or set provenance-tags: false`
    )
  return all
}

function checkTag({ key, value }: Tag): void {
  if (key.length < 1 || key.length > 128) {
    throw new Error(`key "${key}" must be 1 to 128 characters`)
  }
  const lower = key.toLowerCase()
  if (lower.startsWith('aliyun') || lower.startsWith('acs:')) {
    throw new Error(`key "${key}" must not start with "aliyun" or "acs:"`)
  }
  if (/https?:\/\//i.test(key)) throw new Error(`key "${key}" must not contain http:// or https://`)
  if (value.length > 128) throw new Error(`value of "${key}" is longer than 128 characters`)
  if (/https?:\/\//i.test(value)) {
    throw new Error(`value of "${key}" must not contain http:// or https://`)
  }
}
