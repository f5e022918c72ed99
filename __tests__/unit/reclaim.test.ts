/**
 * src/net/reclaim.ts leaves no `gc` behind for any other code to find. (That
 * collecting as a large body comes in keeps the action under its memory bound
 * is measured end to end, on the bundle: __tests__/e2e/boundaries.test.ts "#8";
 * those tests fail without it.)
 */
import { expect, test } from '@jest/globals'
import { runInNewContext } from 'node:vm'
import { RECLAIM_EVERY_BYTES, Reclaimer } from '../../src/net/reclaim.js'

test('no gc is left exposed once a large body was collected: not on the global, not in a new context', () => {
  const reclaimer = new Reclaimer()
  reclaimer.count(RECLAIM_EVERY_BYTES)
  expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined')
  expect(runInNewContext('typeof gc')).toBe('undefined')
})
