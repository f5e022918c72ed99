/**
 * Where this run comes from, for the client token, the session name, the
 * provenance tags and the summary's links: the runner's documented variables,
 * read as @actions/github's `context` reads them
 * (__tests__/contract/github-context.test.ts compares the two). Not through
 * the package itself: it exports its Context only beside Octokit (about 245 kB
 * this action never uses), and the Context reads the whole event payload.
 */
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

type Env = Record<string, string | undefined>

const number = (value: string | undefined): number | undefined => {
  const parsed = Number.parseInt(value ?? '', 10)
  return Number.isFinite(parsed) ? parsed : undefined
}

export function runOrigin(env: Env = process.env): RunOrigin {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  return {
    repository: owner && repo ? `${owner}/${repo}` : undefined,
    runId: number(env.GITHUB_RUN_ID),
    runAttempt: number(env.GITHUB_RUN_ATTEMPT),
    job: env.GITHUB_JOB || undefined,
    step: env.GITHUB_ACTION || undefined,
    sha: env.GITHUB_SHA || undefined,
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com'
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
