import { describe, expect, it } from 'vitest'
import { kernelGlyphPixels, legendRange, legendTicks, timestepColor, viridis } from '../../src/renderer/src/lib/colormap.ts'

const luminance = (c: readonly number[]): number => 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!

describe('timestep heatmap colours', () => {
  it('runs from dark purple (little blur) to yellow (strong blur), brighter all the way', () => {
    expect(viridis(0)).toEqual([68, 1, 84])
    expect(viridis(1)).toEqual([253, 231, 37])
    let previous = -1
    for (let i = 0; i <= 50; i++) {
      const l = luminance(viridis(i / 50))
      expect(l).toBeGreaterThan(previous)
      previous = l
    }
  })

  it('clamps values outside the legend instead of inventing colours', () => {
    expect(viridis(-3)).toEqual(viridis(0))
    expect(viridis(7)).toEqual(viridis(1))
    expect(viridis(Number.NaN)).toEqual(viridis(0))
    const range = { min: 80, max: 280 }
    expect(timestepColor(80, range)).toEqual(viridis(0))
    expect(timestepColor(280, range)).toEqual(viridis(1))
    expect(timestepColor(180, range)).toEqual(viridis(0.5))
  })

  it('the legend spans the trained timesteps 80–280 and widens for outliers within the model range', () => {
    const model = { min: 0, max: 999 }
    expect(legendRange([120, 200], model)).toEqual({ min: 80, max: 280 })
    expect(legendRange([40, 400], model)).toEqual({ min: 40, max: 400 })
    expect(legendRange([], model)).toEqual(model)
    expect(legendRange([1200], model)).toEqual({ min: 80, max: 999 })
  })

  it('legend ticks are round numbers inside the range', () => {
    expect(legendTicks({ min: 80, max: 280 })).toEqual([100, 150, 200, 250])
    expect(legendTicks({ min: 0, max: 999 })).toEqual([0, 500])
    expect(legendTicks({ min: 5, max: 5 })).toEqual([5])
  })
})

describe('kernel glyph pixels', () => {
  it('the heaviest tap is opaque, empty taps are transparent, weights in between are ordered', () => {
    const m = 3
    const taps = [0, 0, 0, 0.1, 0.6, 0.3, 0, 0, 0]
    const px = kernelGlyphPixels(taps, m)
    expect(px.length).toBe(m * m * 4)
    const alpha = (i: number): number => px[i * 4 + 3]!
    expect(alpha(4)).toBe(255)
    expect(alpha(0)).toBe(0)
    expect(alpha(5)).toBeGreaterThan(alpha(3))
    expect(alpha(3)).toBeGreaterThan(0)
    expect([px[12], px[13], px[14]]).toEqual([255, 255, 255])
  })

  it('an all-zero kernel draws nothing rather than dividing by zero', () => {
    const px = kernelGlyphPixels(new Array(9).fill(0), 3)
    for (let i = 0; i < 9; i++) expect(px[i * 4 + 3]).toBe(0)
  })
})
