import { describe, expect, it } from 'vitest'
import { axisWeights, planAxis, tilePlan, type AxisTile } from '../../src/main/engine/tile-plan.ts'

const MODEL = { factor: 2, overlap: 32, multiple: 8 }
const SIZES: [number, number][] = [
  [1001, 667],
  [1, 1],
  [7, 3],
  [128, 128],
  [129, 300],
  [2049, 31],
  [241, 242], // 2·128 − 16 + 1: three windows, spacing under half a window
]

/** Sum of every tile's blend weight at each pixel of one axis. */
function weightSums(length: number, tiles: AxisTile[]): Float64Array {
  const sums = new Float64Array(length)
  for (const t of tiles) {
    const w = axisWeights(t)
    for (let i = 0; i < t.size && t.start + i < length; i++) sums[t.start + i]! += w[i]!
  }
  return sums
}

describe('tile plan: every tile fits the model and the tiles cover the photo', () => {
  it.each(SIZES)('%i×%i: model inputs are multiples of 8, cores partition the image', (width, height) => {
    for (const tileSize of [96, 128, 256, 512]) {
      const plan = tilePlan({ width, height, tileSize, ...MODEL })
      const owners = new Int32Array(width * height)
      for (const t of plan.tiles) {
        expect((t.window.width * 2) % 8).toBe(0)
        expect((t.window.height * 2) % 8).toBe(0)
        expect(t.window.width * 2).toBeLessThanOrEqual(Math.max(tileSize, 8 * Math.ceil((2 * width) / 8)))
        for (let y = t.core.y; y < t.core.y + t.core.height; y++)
          for (let x = t.core.x; x < t.core.x + t.core.width; x++) owners[y * width + x]!++
        // the core lies inside the window the model saw
        expect(t.core.x).toBeGreaterThanOrEqual(t.window.x)
        expect(t.core.x + t.core.width).toBeLessThanOrEqual(t.window.x + t.window.width)
      }
      expect(owners.every((n) => n === 1)).toBe(true) // each pixel owned by exactly one tile
    }
  })

  it('splits 1001×667 at tile 256 (×2) into 128 px windows overlapping by at least 16 px', () => {
    const plan = tilePlan({ width: 1001, height: 667, tileSize: 256, ...MODEL })
    expect(plan.window).toBe(128)
    expect(plan.overlap).toBe(16)
    expect(plan.cols.length).toBe(9)
    expect(plan.rows.length).toBe(6)
    for (const axis of [plan.cols, plan.rows]) {
      axis.slice(1).forEach((t, k) => expect(axis[k]!.start + axis[k]!.size - t.start).toBeGreaterThanOrEqual(16))
      expect(axis[0]!.start).toBe(0)
      const last = axis[axis.length - 1]!
      expect(last.start + last.size).toBe(axis === plan.cols ? 1001 : 667) // no padding needed
    }
  })

  it('gives a photo smaller than one tile a single window padded up to the multiple', () => {
    const plan = tilePlan({ width: 30, height: 17, tileSize: 256, ...MODEL })
    expect(plan.tiles).toHaveLength(1)
    expect(plan.tiles[0]!.window).toEqual({ x: 0, y: 0, width: 32, height: 20 })
    expect(plan.tiles[0]!.core).toEqual({ x: 0, y: 0, width: 30, height: 17 })
  })

  it('refuses a tile too small for the overlap, saying the minimum', () => {
    expect(() => tilePlan({ width: 500, height: 500, tileSize: 64, factor: 2, overlap: 32, multiple: 8 })).toThrow(/at least 72/)
  })
})

describe('blend window: seam-free weights', () => {
  it.each([1001, 667, 241, 300, 129])('weights along %i px are positive everywhere and sum to 1 wherever two tiles meet', (length) => {
    const tiles = planAxis(length, 128, 16, 4)
    const sums = weightSums(length, tiles)
    expect(Math.min(...sums)).toBeGreaterThan(0)
    const tripleOverlap = tiles.some((t, k) => k >= 2 && tiles[k - 2]!.start + tiles[k - 2]!.size > t.start)
    if (!tripleOverlap) for (const s of sums) expect(s).toBeCloseTo(1, 6)
  })

  it('is flat (exactly 1) in the core and rises smoothly across the overlap', () => {
    const tiles = planAxis(1001, 128, 16, 4)
    const middle = tiles[3]!
    const w = axisWeights(middle)
    const coreFrom = middle.rampBefore
    const coreTo = middle.size - middle.rampAfter
    for (let i = coreFrom; i < coreTo; i++) expect(w[i]).toBe(1)
    for (let i = 1; i < middle.rampBefore; i++) expect(w[i]!).toBeGreaterThan(w[i - 1]!)
    // the first pixel of a tile, next to its padded edge, counts for almost nothing
    expect(w[0]!).toBeLessThan(0.01)
    // no jump bigger than a smooth ramp allows
    for (let i = 1; i < w.length; i++) expect(Math.abs(w[i]! - w[i - 1]!)).toBeLessThan(Math.PI / (2 * Math.min(middle.rampBefore, middle.rampAfter)) + 1e-6)
  })

  it('gives a lone tile weight 1 everywhere', () => {
    const [only] = planAxis(100, 128, 16, 4)
    expect(Array.from(axisWeights(only!)).every((v) => v === 1)).toBe(true)
  })
})
