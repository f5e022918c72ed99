/** The few statistics the benchmark prints. */

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length
}

/** Standard error of the mean. */
export function standardError(values: number[]): number {
  const m = mean(values)
  const variance = values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1)
  return Math.sqrt(variance / values.length)
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
