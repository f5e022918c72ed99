/**
 * Time, injected: nothing that decides a deadline reads the real clock itself.
 *
 * `now()` is monotonic: deadlines, budgets and elapsed times run on it, so a
 * runner whose wall clock jumps (NTP, a suspended VM) neither times a build out
 * early nor lets the step run past `timeout`. `wall()` is the wall clock, for
 * what people read (the summary's times) and for comparing with times the
 * service gives (CreationTime); request signatures read it on their own.
 */
export interface Clock {
  /** Monotonic milliseconds: only differences mean anything. */
  now(): number
  /** Epoch milliseconds, as the runner's wall clock says. */
  wall(): number
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wall: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve()
      const onAbort = (): void => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
}
