/**
 * The log every module writes to, passed in rather than imported, so tests
 * read what was said; `coreLog` binds it to the runner through @actions/core.
 */
import * as core from '@actions/core'

export interface Log {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  /** A collapsible group in the runner's log; closes even when `fn` throws. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}

export const coreLog: Log = {
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  group: (name, fn) => core.group(name, fn)
}

/** Says nothing: for tools that run the action's modules outside a step. */
export const silentLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  warning: () => undefined,
  group: (_name, fn) => fn()
}
