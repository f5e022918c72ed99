import { expect, test } from '@jest/globals'
import { isKnown, isTerminal, classify } from '../../src/ecs/status.js'

test.each([
  ['PREPARING', 'running', false],
  ['REPAIRING', 'running', false],
  ['BUILDING', 'running', false],
  ['TESTING', 'running', false],
  ['DISTRIBUTING', 'running', false],
  ['RELEASING', 'running', false],
  ['CANCELLING', 'running', false],
  ['SUCCESS', 'success', true],
  ['PARTITION_SUCCESS', 'partial', true],
  ['FAILED', 'failed', true],
  ['TEST_FAILED', 'failed', true],
  ['CANCELLED', 'cancelled', true],
  ['VALIDATING', 'running', false]
])('%s is %s (terminal: %s)', (status, statusClass, terminal) => {
  expect(classify(status)).toBe(statusClass)
  expect(isTerminal(status)).toBe(terminal)
})

test('unknown statuses are not known, listed ones are', () => {
  expect(isKnown('VALIDATING')).toBe(false)
  expect(isKnown('TESTING')).toBe(true)
  expect(isKnown('CANCELLED')).toBe(true)
})
