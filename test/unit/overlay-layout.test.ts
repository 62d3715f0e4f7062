import { describe, expect, it } from 'vitest'
import type { PhotoAnalysis, RegionAnalysis } from '../../src/shared/domain.ts'
import { glyphRect, placeRegions, regionIndexAt, streakSegment, timestepStats, MIN_GLYPH_PX } from '../../src/renderer/src/lib/overlay-layout.ts'
import { imageRectToScreen } from '../../src/renderer/src/lib/viewport.ts'

/** A 4×3 grid of 250×200 regions over a 1000×600 photo with distinct t̂ per region. */
function grid(): PhotoAnalysis {
  const regions: RegionAnalysis[] = []
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 4; c++) {
      const taps = new Array(361).fill(0)
      taps[180] = 1
      regions.push({ box: { x: c * 250, y: r * 200, width: 250, height: 200 }, tHat: 80 + 10 * (r * 4 + c), kernel: { size: 19, taps, directionDeg: 0, lengthPx: 0 } })
    }
  return { width: 1000, height: 600, cols: 4, rows: 3, regions, kernelPixelScale: 4, timestepRange: { min: 0, max: 999 }, model: 'm', provider: 'cpu' }
}

describe('overlay layout', () => {
  it('regions stay registered with the photo at every zoom and pan', () => {
    const a = grid()
    for (const view of [
      { zoom: 0.5, panX: 10, panY: 20 },
      { zoom: 1, panX: -300, panY: -100 },
      { zoom: 3.7, panX: -2000, panY: -900 },
    ]) {
      const viewport = { width: 800, height: 600 }
      const placed = placeRegions(a, view, viewport)
      for (const p of placed) expect(p.rect).toEqual(imageRectToScreen(view, a.regions[p.index]!.box))
    }
  })

  it('only regions inside the viewport are drawn', () => {
    const a = grid()
    const all = placeRegions(a, { zoom: 0.5, panX: 0, panY: 0 }, { width: 800, height: 600 })
    expect(all.map((p) => p.index)).toEqual([...Array(12).keys()])
    // at 100 % with the view on the top-left 300×250 px only 4 regions are visible
    const some = placeRegions(a, { zoom: 1, panX: 0, panY: 0 }, { width: 300, height: 250 })
    expect(some.map((p) => p.index)).toEqual([0, 1, 4, 5])
  })

  it('a glyph sits centred in its region, snapped to whole taps, and hides when too small to read', () => {
    const g = glyphRect({ x: 100, y: 50, width: 200, height: 100 }, 19)!
    expect(g.width).toBe(57) // 70 → 3 taps of 19
    expect(g.height).toBe(g.width)
    expect(g.x + g.width / 2).toBeCloseTo(200, 6)
    expect(g.y + g.height / 2).toBeCloseTo(100, 6)
    expect(glyphRect({ x: 0, y: 0, width: MIN_GLYPH_PX, height: MIN_GLYPH_PX }, 19)).toBeNull()
    const small = glyphRect({ x: 0, y: 0, width: 30, height: 40 }, 19)!
    expect(small.width).toBeCloseTo(21, 6)
  })

  it('clicking finds the region under the pointer, and nothing outside the photo', () => {
    const a = grid()
    expect(regionIndexAt(a, { x: 0, y: 0 })).toBe(0)
    expect(regionIndexAt(a, { x: 260, y: 10 })).toBe(1)
    expect(regionIndexAt(a, { x: 999, y: 599 })).toBe(11)
    expect(regionIndexAt(a, { x: 1000, y: 10 })).toBeNull()
    expect(regionIndexAt(a, { x: -1, y: 10 })).toBeNull()
  })

  it('the enlarged kernel streak points along the blur direction with the blur length', () => {
    const [a, b] = streakSegment(0, 20, { x: 50, y: 50 }, 2)
    expect(a).toEqual({ x: 30, y: 50 })
    expect(b).toEqual({ x: 70, y: 50 })
    // 90° is vertical; counter-clockwise with image y down means the far end is up
    const [c, d] = streakSegment(90, 10, { x: 0, y: 0 }, 1)
    expect(c.x).toBeCloseTo(0, 9)
    expect(d.y).toBeCloseTo(-5, 9)
    const [e, f] = streakSegment(45, Math.SQRT2 * 10, { x: 0, y: 0 }, 1)
    expect(f.x).toBeCloseTo(5, 9)
    expect(f.y).toBeCloseTo(-5, 9)
    expect(e.x).toBeCloseTo(-5, 9)
  })

  it('t̂ statistics summarise the regions', () => {
    expect(timestepStats(grid())).toEqual({ mean: 135, min: 80, max: 190 })
  })
})
