/** Pure table making for the benchmarks: per-n means and markdown. */

export interface Sample {
  n: number
  value: number
}

/** Mean of the samples at each n, then over all samples (null where a group is empty). */
export function meansByN(samples: readonly Sample[], ns: readonly number[]): { byN: (number | null)[]; overall: number | null } {
  const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((s, v) => s + v, 0) / xs.length)
  return {
    byN: ns.map((n) => mean(samples.filter((s) => s.n === n).map((s) => s.value))),
    overall: mean(samples.map((s) => s.value)),
  }
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align: 'left' | 'right' = 'right'): string {
  const rule = header.map((_, i) => (i === 0 || align === 'left' ? '---' : '---:'))
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
}

export function formatNumber(v: number | null, digits: number): string {
  if (v === null) return '–'
  if (v === Infinity) return '∞'
  return v.toFixed(digits)
}

/** The column headers of a per-n table: one per frame count n (with its t), then "all". */
export function nColumns(ns: readonly number[]): string[] {
  return [...ns.map((n) => `n=${n} (t=${(n - 1) * 20})`), 'all']
}
