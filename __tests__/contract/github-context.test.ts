/**
 * The run's identity (src/github.ts) is what @actions/github's `context` says
 * for the same variables: the package is the oracle, and stays out of the bundle.
 */
import { afterEach, expect, test } from '@jest/globals'
import { context as loaded } from '@actions/github'
import { runOrigin } from '../../src/github.js'

/** The package's own Context class, by its supported entry: a new one reads the variables afresh. */
const Context = loaded.constructor as new () => typeof loaded

const saved = { ...process.env }
afterEach(() => {
  process.env = { ...saved }
})

test.each([
  {
    GITHUB_REPOSITORY: 'octo-org/golden-images',
    GITHUB_RUN_ID: '1234567890',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_JOB: 'bake',
    GITHUB_ACTION: 'image',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_SERVER_URL: 'https://github.example.com'
  },
  { GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7' },
  {}
])('the same run as @actions/github sees it: %p', (env) => {
  for (const name of Object.keys(process.env))
    if (name.startsWith('GITHUB_')) delete process.env[name]
  Object.assign(process.env, env)
  const context = new Context()
  const ours = runOrigin(process.env)
  let repository: string | undefined
  try {
    repository = `${context.repo.owner}/${context.repo.repo}`
  } catch {
    repository = undefined
  }
  expect(ours).toEqual({
    repository,
    runId: Number.isFinite(context.runId) ? context.runId : undefined,
    runAttempt: Number.isFinite(context.runAttempt) ? context.runAttempt : undefined,
    job: context.job || undefined,
    step: context.action || undefined,
    sha: context.sha || undefined,
    serverUrl: context.serverUrl
  })
})
