/**
 * The memory part of `npm run bench`, in a process of its own so that the
 * benchmark's own data does not count: the real ECS client (signing, HTTP,
 * parsing) and the real wait loop poll the emulator once per virtual second for
 * six virtual hours. The requests are real; the clock is virtual, and so are the
 * timers (`setTimeout`): each exchange arms a timer for its limit, which a
 * virtual clock must own too, or a thousand requests a second would keep
 * their objects alive for the limit's real seconds, and the figure would be
 * the benchmark's own.
 *
 *   node --expose-gc build/tools/bench/long-wait.js <endpoint host:port> <execution id>
 *
 * Prints one JSON line: polls, and the heap (MB) before the first poll and after
 * a full GC at the end of each quarter; and the peak resident set,
 * which says little of the action: this process loads src/ unbundled, and at a
 * thousand requests a second V8 grows its young generation as it never would at
 * one a second (the benchmark measures the action's peak RSS on real time).
 */
import FakeTimers from '@sinonjs/fake-timers'
import { StaticCredentials } from '../../src/credentials/provider.js'
import type { Clock } from '../../src/clock.js'
import { type Log, silentLog } from '../../src/log.js'
import { createEcsClient } from '../../src/ecs/client.js'
import { FINAL_POLL_MS, waitForExecution } from '../../src/wait/wait.js'
import { createRouter } from '../../src/net/proxy.js'
import { TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET } from '../emulator/server.js'

const SECOND = 1000
const MEMORY_WAIT_MS = 6 * 3600 * SECOND
/** Heap after a full GC at each quarter of the wait: growth shows as a rising series. */
const QUARTER = MEMORY_WAIT_MS / SECOND / 4

const [endpoint, executionId] = process.argv.slice(2)
const gc = (globalThis as { gc?: () => void }).gc
const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10

// Only setTimeout: Date stays real, since the emulator checks the signature's time.
const timers = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] })
let now = 0
let polls = 0
let logged = 0
const heapByQuarter: number[] = []
let compressedRss = 0
const clock: Clock = {
  now: () => now,
  wall: () => Date.now(),
  sleep: async (ms) => {
    now += ms
    timers.tick(ms)
  }
}
// The action builds a debug line per request and writes it out: build them, drop them.
const log: Log = {
  ...silentLog,
  debug: (message) => void (logged += message.length),
  info: (message) => void (logged += message.length),
  warning: (message) => void (logged += message.length)
}
const client = createEcsClient({
  regionId: 'cn-hangzhou',
  endpoint,
  protocol: 'http',
  credential: new StaticCredentials(TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET),
  route: createRouter(() => undefined),
  log
})

gc?.()
const heapStart = process.memoryUsage().heapUsed
const result = await waitForExecution({
  api: {
    getExecution: async (request) => {
      if (polls % 500 === 0) compressedRss = Math.max(compressedRss, process.memoryUsage().rss)
      if (++polls % QUARTER === 0 && gc) {
        gc()
        heapByQuarter.push(mb(process.memoryUsage().heapUsed))
      }
      return client.getExecution(request)
    }
  },
  executionId,
  clock,
  log,
  deadline: MEMORY_WAIT_MS + FINAL_POLL_MS,
  startedAt: 0,
  visibleFrom: 0,
  schedule: { minMs: SECOND, maxMs: SECOND }
})
timers.uninstall()
process.stdout.write(
  JSON.stringify({
    end: result.end,
    error: result.error?.message,
    polls,
    heapStartMb: mb(heapStart),
    heapByQuarterMb: heapByQuarter,
    compressedRssMb: mb(compressedRss),
    loggedChars: logged
  }) + '\n'
)
