import { expect, test } from '@jest/globals'
import { EventEmitter } from 'node:events'
import { MemoryLog } from '../../__fixtures__/clock.js'
import { RunCancellation, type Signals } from '../../src/run/cancellation.js'

function setUp() {
  const emitter = new EventEmitter()
  const cancels: string[] = []
  const cancellation = new RunCancellation(
    emitter as unknown as Signals,
    new MemoryLog(),
    async (id) => {
      cancels.push(id)
      return { settled: true, words: `a cancel was requested for execution ${id}` }
    }
  )
  return { emitter, cancels, cancellation }
}

test('a signal after the guard: abort, and cancel the guarded build once', async () => {
  const { emitter, cancels, cancellation } = setUp()
  cancellation.guard('exec-1')
  emitter.emit('SIGINT', 'SIGINT')
  emitter.emit('SIGTERM', 'SIGTERM')
  expect(cancellation.cancelled).toBe(true)
  expect(cancellation.signal.aborted).toBe(true)
  expect((await cancellation.outcome())?.words).toBe('a cancel was requested for execution exec-1')
  expect(cancels).toEqual(['exec-1'])
})

test('a signal while the start was in flight: the build is cancelled as soon as its ID is known', async () => {
  const { emitter, cancels, cancellation } = setUp()
  emitter.emit('SIGINT', 'SIGINT')
  expect(cancels).toEqual([])
  cancellation.guard('exec-2')
  cancellation.guard('exec-2')
  expect(cancels).toEqual(['exec-2'])
})

test('nothing guarded: abort only', () => {
  const { emitter, cancels, cancellation } = setUp()
  emitter.emit('SIGTERM', 'SIGTERM')
  expect(cancellation.cancelled).toBe(true)
  expect(cancellation.outcome()).toBeUndefined()
  expect(cancels).toEqual([])
})

test('dispose removes the handlers', () => {
  const { emitter, cancellation } = setUp()
  expect(emitter.listenerCount('SIGINT')).toBe(1)
  cancellation.dispose()
  expect(emitter.listenerCount('SIGINT')).toBe(0)
  expect(emitter.listenerCount('SIGTERM')).toBe(0)
})

test("never two cancels at once: a time-out's cancel joins the one a signal started", async () => {
  const { emitter, cancels, cancellation } = setUp()
  cancellation.guard('exec-3')
  emitter.emit('SIGINT', 'SIGINT')
  const joined = cancellation.cancelOnce('exec-3', 30_000)
  expect(await joined).toEqual(await cancellation.outcome())
  expect(cancels).toEqual(['exec-3'])
})
