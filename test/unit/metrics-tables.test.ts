import { describe, expect, it } from 'vitest'
import { formatNumber, markdownTable, meansByN, nColumns } from '../../bench/quality/tables.ts'

describe('benchmark tables', () => {
  it('averages per blur level and overall, leaving levels without pairs empty', () => {
    const samples = [
      { n: 5, value: 30 },
      { n: 5, value: 32 },
      { n: 9, value: 25 },
    ]
    expect(meansByN(samples, [5, 7, 9])).toEqual({ byN: [31, null, 25], overall: 29 })
  })

  it('labels each column with n and its timestep t = (n − 1) × 20', () => {
    expect(nColumns([5, 15])).toEqual(['n=5 (t=80)', 'n=15 (t=280)', 'all'])
  })

  it('prints a markdown table with right-aligned numbers and readable placeholders', () => {
    expect(markdownTable(['method', 'PSNR'], [['blurry', formatNumber(27.123, 2)], ['none', formatNumber(null, 2)], ['same', formatNumber(Infinity, 2)]])).toBe(
      '| method | PSNR |\n| --- | ---: |\n| blurry | 27.12 |\n| none | – |\n| same | ∞ |',
    )
  })
})
