import { describe, expect, test } from '@jest/globals'
import { formatDuration, parseDuration } from '../../src/inputs/duration.js'

describe('parseDuration', () => {
  test.each([
    ['90s', 90_000],
    ['45m', 2_700_000],
    ['1h30m', 5_400_000],
    ['1h 30m 15s', 5_415_000],
    ['2h', 7_200_000],
    ['250ms', 250],
    ['1.5m', 90_000],
    ['600', 600_000],
    ['  10s ', 10_000],
    ['1H', 3_600_000]
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  test.each(['', 'abc', '10x', '1h30', 'm', '-5s', '1h-30m', '10 s x'])('rejects %p', (text) => {
    expect(() => parseDuration(text)).toThrow()
  })
})

describe('formatDuration', () => {
  test.each([
    [0, '0s'],
    [999, '1s'],
    [61_000, '1m 1s'],
    [3_600_000, '1h'],
    [3_723_000, '1h 2m 3s'],
    [-5, '0s']
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
