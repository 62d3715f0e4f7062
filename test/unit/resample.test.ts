import { describe, expect, it } from 'vitest'
import {
  catmullRomWeights,
  downsample1d,
  downsamplePlanar,
  upsample1d,
  upsamplePlanar,
} from '../../src/main/engine/resample.ts'

/** Deterministic values in [0, 1] with structure and texture. */
function signal(n: number, seed = 1): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (Math.sin(i * 0.7 + seed) * 0.4 + 0.5 + ((i * 7919 + seed * 104729) % 97) / 970) % 1)
}

describe('×f upsampling keeps every original pixel exactly (seed §A resize round trip)', () => {
  it.each([1, 2, 3, 4])('U(x)[f·i] = x[i] and D(U(x)) = x bit for bit at f = %i', (f) => {
    const x = signal(37)
    const up = upsample1d(x, f)
    expect(up.length).toBe(37 * f)
    for (let i = 0; i < x.length; i++) expect(up[f * i]).toBe(x[i])
    expect(Array.from(downsample1d(up, f))).toEqual(Array.from(x))
  })

  it('round-trips a whole planar RGB image exactly at ×2 and ×3', () => {
    const [w, h] = [13, 9]
    const img = signal(3 * w * h, 5)
    for (const f of [2, 3]) {
      const up = upsamplePlanar(img, 3, w, h, f)
      expect(up.length).toBe(3 * w * h * f * f)
      expect(Array.from(downsamplePlanar(up, 3, w * f, h * f, f))).toEqual(Array.from(img))
    }
  })
})

describe('the in-between samples are Catmull-Rom (a = −0.5) with edge clamping', () => {
  it('has weights that sum to 1 and interpolate the midpoint as (−1, 9, 9, −1)/16', () => {
    const w = catmullRomWeights(0.5)
    expect(w.map((v) => v * 16)).toEqual([-1, 9, 9, -1])
    for (const t of [0, 0.25, 1 / 3, 0.75]) expect(catmullRomWeights(t).reduce((a, b) => a + b)).toBeCloseTo(1, 12)
  })

  it('rings around a single bright sample exactly as the formula says (no clamping to [0, 1])', () => {
    const up = upsample1d([0, 0, 1, 0, 0], 2)
    expect(Array.from(up)).toEqual([0, -0.0625, 0, 0.5625, 1, 0.5625, 0, -0.0625, 0, 0])
  })

  it('clamps at both ends: [a, b] at ×2 gives [a, (a+b)/2, b, b − (a − b)/16]', () => {
    const [a, b] = [0.25, 0.75]
    const up = upsample1d([a, b], 2)
    expect(up[0]).toBe(a)
    expect(up[1]).toBeCloseTo((a + b) / 2, 6)
    expect(up[2]).toBe(b)
    expect(up[3]).toBeCloseTo(-0.0625 * a + 1.0625 * b, 6)
  })

  it('keeps a linear ramp linear away from the edges', () => {
    const ramp = Float32Array.from({ length: 10 }, (_, i) => i / 10)
    const up = upsample1d(ramp, 4)
    for (let k = 4; k < 4 * 8; k++) expect(up[k]).toBeCloseTo(k / 40, 6)
  })

  it('resamples rows and columns independently (a horizontal stripe stays horizontal)', () => {
    const [w, h] = [6, 5]
    const img = new Float32Array(w * h)
    for (let x = 0; x < w; x++) img[2 * w + x] = 1 // row 2 bright
    const up = upsamplePlanar(img, 1, w, h, 2)
    for (let y = 0; y < 2 * h; y++) {
      const row = Array.from(up.subarray(y * 2 * w, (y + 1) * 2 * w))
      expect(new Set(row).size).toBe(1) // constant along x
    }
    expect(up[4 * 2 * w]).toBe(1)
    expect(up[3 * 2 * w]).toBeCloseTo(0.5625, 6)
  })

  it('refuses a non-integer factor and mismatched sizes with a clear message', () => {
    expect(() => upsample1d([1, 2], 1.5)).toThrow(/positive integer/)
    expect(() => downsamplePlanar(new Float32Array(10), 1, 5, 2, 2)).toThrow(/multiple of 2/)
    expect(() => upsamplePlanar(new Float32Array(5), 3, 2, 2, 2)).toThrow(/does not match/)
  })
})
