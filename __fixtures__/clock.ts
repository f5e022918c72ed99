import type { Clock } from '../src/clock.js'
import type { Log } from '../src/log.js'

/**
 * A fake clock: sleeping advances time at once, so hours of polling take
 * milliseconds. The monotonic `now()` and the wall clock move together, but
 * `jumpWall` moves the wall clock alone, as NTP or a suspended VM would.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = []
  /** How far the wall clock is from the monotonic one. */
  wallOffset = 0
  constructor(public time = Date.UTC(2026, 10, 23, 8, 0, 0)) {}
  now(): number {
    return this.time
  }
  wall(): number {
    return this.time + this.wallOffset
  }
  jumpWall(ms: number): void {
    this.wallOffset += ms
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return
    this.sleeps.push(ms)
    this.time += Math.max(0, ms)
  }
  advance(ms: number): void {
    this.time += ms
  }
}

export class MemoryLog implements Log {
  readonly lines: Array<{ level: 'debug' | 'info' | 'warning' | 'notice'; message: string }> = []
  debug(message: string): void {
    this.lines.push({ level: 'debug', message })
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message })
  }
  warning(message: string): void {
    this.lines.push({ level: 'warning', message })
  }
  notice(message: string): void {
    this.lines.push({ level: 'notice', message })
  }
  readonly groups: string[] = []
  group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.groups.push(name)
    return fn()
  }
  at(level: 'debug' | 'info' | 'warning' | 'notice'): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.message)
  }
}
