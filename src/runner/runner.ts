/**
 * The one door to the runner: every log line, annotation and group title, every
 * output, every piece of state and the job summary leave the action here, and
 * only here (the one other user of @actions/core, inputs/settings.ts, only
 * reads). Everything is scrubbed of secrets first, then made safe for what
 * reads it (./text.ts): the runner's command parser for stdout, GFM for the
 * summary. Secrets are masked through `runnerMask` (../secrets.ts calls it).
 * A runner file that cannot be written (a full disk, a path that is
 * a directory) is an error that names the file.
 */
import * as core from '@actions/core'
import type { Log } from '../log.js'
import type { Secrets } from '../secrets.js'
import { capSummary, forLog, forOutput } from './text.js'

export interface StateStore {
  get(name: string): string
  /** Throws a RunnerFileError when GITHUB_STATE cannot be written. */
  set(name: string, value: string): void
}

/** Sets one output; throws a RunnerFileError when GITHUB_OUTPUT cannot be written. */
export type OutputSink = (name: string, value: string) => void

export interface Runner {
  log: Log
  setOutput: OutputSink
  state: StateStore
  writeSummary(markdown: string): Promise<void>
  /** Fails the step with this message (an error annotation). */
  fail(message: string): void
}

/** A runner file (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY) that could not be written. */
class RunnerFileError extends Error {
  constructor(
    readonly file: 'GITHUB_OUTPUT' | 'GITHUB_STATE' | 'GITHUB_STEP_SUMMARY',
    what: string,
    cause: unknown
  ) {
    const path = process.env[file]
    const reason = (cause as NodeJS.ErrnoException)?.code ?? (cause as Error)?.message ?? cause
    super(`Could not write ${what} to ${file}${path ? ` (${forLog(path, 300)})` : ''}: ${reason}`)
    this.name = 'RunnerFileError'
  }
}

function writing<T>(file: RunnerFileError['file'], what: string, write: () => T): T {
  try {
    return write()
  } catch (error) {
    throw new RunnerFileError(file, what, error)
  }
}

/** Tells the runner to mask a secret (`::add-mask::`); runner-side escaping is @actions/core's. */
export function runnerMask(secret: string): void {
  core.setSecret(secret)
}

/** The runner's log: every line scrubbed, then defused. */
function runnerLog(secrets: Pick<Secrets, 'scrub'>): Log {
  const line = (message: string): string => forLog(secrets.scrub(message))
  return {
    debug: (message) => core.debug(line(message)),
    info: (message) => core.info(line(message)),
    warning: (message) => core.warning(line(message)),
    notice: (message) => core.notice(line(message)),
    group: (name, fn) => core.group(line(name), fn)
  }
}

export function actionsRunner(secrets: Pick<Secrets, 'scrub'>): Runner {
  return {
    log: runnerLog(secrets),
    setOutput: (name, value) =>
      writing('GITHUB_OUTPUT', `the output ${name}`, () =>
        core.setOutput(name, forOutput(secrets.scrub(value)))
      ),
    state: {
      get: (name) => core.getState(name),
      set: (name, value) =>
        writing('GITHUB_STATE', `what the post step needs (${name})`, () =>
          core.saveState(name, forOutput(secrets.scrub(value)))
        )
    },
    writeSummary: async (markdown) => {
      try {
        // In markdown, *** would be emphasis: the mark goes in as entities.
        await core.summary.addRaw(capSummary(secrets.scrub(markdown, '&#42;&#42;&#42;'))).write()
      } catch (error) {
        throw new RunnerFileError('GITHUB_STEP_SUMMARY', 'the job summary', error)
      } finally {
        core.summary.emptyBuffer()
      }
    },
    fail: (message) => core.setFailed(forLog(secrets.scrub(message)))
  }
}
