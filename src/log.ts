/**
 * The log every module writes to, passed in rather than imported, so tests
 * read what was said; runner/runner.ts binds it to the runner.
 */
export interface Log {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  /** A notice annotation: worth a user's eye, not a problem. */
  notice(message: string): void
  /** A collapsible group in the runner's log; closes even when `fn` throws. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}

/** Says nothing: for tools that run the action's modules outside a step. */
export const silentLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  warning: () => undefined,
  notice: () => undefined,
  group: (_name, fn) => fn()
}
