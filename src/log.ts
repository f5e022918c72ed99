/**
 * The log every module writes to, passed in rather than imported, so tests
 * read what was said; `runnerLog` binds it to the runner through @actions/core.
 */
import * as core from '@actions/core'
import { forLog } from './untrusted.js'

export interface Log {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  /** A notice annotation: worth a user's eye, not a problem. */
  notice(message: string): void
  /** A collapsible group in the runner's log; closes even when `fn` throws. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}

/**
 * The runner's log, and the one door through which text reaches it: every line
 * is scrubbed of secrets and passed through `forLog`, so no text from the
 * service can start a workflow command or a line of its own.
 */
export function runnerLog(scrub: (text: string) => string): Log {
  const line = (message: string): string => forLog(scrub(message))
  return {
    debug: (message) => core.debug(line(message)),
    info: (message) => core.info(line(message)),
    warning: (message) => core.warning(line(message)),
    notice: (message) => core.notice(line(message)),
    group: (name, fn) => core.group(line(name), fn)
  }
}

/** Says nothing: for tools that run the action's modules outside a step. */
export const silentLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  warning: () => undefined,
  notice: () => undefined,
  group: (_name, fn) => fn()
}
