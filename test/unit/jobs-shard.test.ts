import { describe, expect, it } from 'vitest'
import { parseShard, selectShard, shardOf } from '../../src/main/jobs/shard.ts'

const paths = Array.from({ length: 300 }, (_, i) => ({ relativePath: `day${i % 7}/IMG_${String(i).padStart(4, '0')}.jpg` }))

describe('--shard K/N splits a shoot across machines', () => {
  it('shards 1/3, 2/3 and 3/3 together cover every photo exactly once', () => {
    const seen = new Map<string, number>()
    for (let k = 1; k <= 3; k++)
      for (const p of selectShard(paths, { index: k, count: 3 })) seen.set(p.relativePath, (seen.get(p.relativePath) ?? 0) + 1)
    expect(seen.size).toBe(paths.length)
    expect([...seen.values()].every((n) => n === 1)).toBe(true)
  })

  it('every machine computes the same split (depends only on the relative path)', () => {
    const a = selectShard(paths, { index: 2, count: 5 }).map((p) => p.relativePath)
    const b = selectShard([...paths].reverse(), { index: 2, count: 5 }).map((p) => p.relativePath)
    expect(new Set(a)).toEqual(new Set(b))
    expect(shardOf('day1/IMG_0001.jpg', 5)).toBe(shardOf('day1/IMG_0001.jpg', 5))
  })

  it('no machine gets a badly unfair share', () => {
    for (let k = 1; k <= 4; k++) {
      const n = selectShard(paths, { index: k, count: 4 }).length
      expect(n).toBeGreaterThan(40)
      expect(n).toBeLessThan(110)
    }
  })

  it('a bad --shard value is refused with a message saying what is expected', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 })
    expect(() => parseShard('0/3')).toThrow(/K must be between 1 and N/)
    expect(() => parseShard('4/3')).toThrow(/K must be between 1 and N/)
    expect(() => parseShard('1/0')).toThrow(/N must be/)
    expect(() => parseShard('two')).toThrow(/expected K\/N/)
  })

  it('without a shard every photo is kept', () => {
    expect(selectShard(paths, undefined)).toHaveLength(paths.length)
  })
})
