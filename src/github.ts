/**
 * Where this run comes from: @actions/github's `context`, for the client token,
 * the session name, the provenance tags and the summary's links. Only its
 * Context class is imported: the package's entry also loads Octokit (about
 * 245 kB this action never uses), and the package exports no lighter path.
 */
import { Context } from '../node_modules/@actions/github/lib/context.js'

export type ContextLike = Pick<
  Context,
  'runId' | 'runAttempt' | 'job' | 'action' | 'sha' | 'serverUrl'
> & { readonly repo: { owner: string; repo: string } }

export interface RunOrigin {
  /** `owner/repo`. */
  repository?: string
  runId?: number
  runAttempt?: number
  job?: string
  /** The step's id (GITHUB_ACTION). */
  step?: string
  sha?: string
  serverUrl: string
}

const number = (value: number): number | undefined => (Number.isFinite(value) ? value : undefined)

export function runOrigin(context: ContextLike = new Context()): RunOrigin {
  let repository: string | undefined
  try {
    repository = `${context.repo.owner}/${context.repo.repo}`
  } catch {
    // Outside a workflow run (a local run) there is no repository.
  }
  return {
    repository,
    runId: number(context.runId),
    runAttempt: number(context.runAttempt),
    job: context.job || undefined,
    step: context.action || undefined,
    sha: context.sha || undefined,
    serverUrl: context.serverUrl
  }
}

/** The workflow run's page, and the commit's. */
export function runLinks(origin: RunOrigin): { run?: string; commit?: string } {
  const base = origin.repository ? `${origin.serverUrl}/${origin.repository}` : undefined
  return {
    run:
      base && origin.runId !== undefined
        ? `${base}/actions/runs/${origin.runId}${origin.runAttempt ? `/attempts/${origin.runAttempt}` : ''}`
        : undefined,
    commit: base && origin.sha ? `${base}/commit/${origin.sha}` : undefined
  }
}
