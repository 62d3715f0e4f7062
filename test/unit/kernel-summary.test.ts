import { describe, expect, it } from 'vitest'
import { RegionAccumulator, regionGrid, summarizeKernel } from '../../src/main/engine/kernel-summary.ts'

const M = 19
const C = 9 // centre tap

/** An m×m kernel with equal taps at (C + i·dx, C − i·dy) for i in −half..half (dy up is image y down). */
function line(length: number, dx: number, dy: number): number[] {
  const taps = new Array<number>(M * M).fill(0)
  const half = (length - 1) / 2
  for (let i = -half; i <= half; i++) taps[(C - i * dy) * M + (C + i * dx)] = 1
  return taps
}

describe('kernel summary: the blur direction and length a user sees per region', () => {
  it('reads a horizontal 9-tap line as 0° and 9 taps long (× pixel scale)', () => {
    const k = summarizeKernel(line(9, 1, 0), M, 4)
    expect(k.directionDeg).toBeCloseTo(0, 6)
    expect(k.lengthPx).toBeCloseTo(9 * 4, -0.5) // sqrt(12·λ) = sqrt(80) taps for a discrete line
    expect(Math.abs(k.lengthPx / 4 - 9)).toBeLessThan(0.1)
  })

  it('reads a vertical line as 90°', () => {
    expect(summarizeKernel(line(7, 0, 1), M, 1).directionDeg).toBeCloseTo(90, 6)
  })

  it('reads a line rising to the right (image y down) as 45°, falling as 135°', () => {
    expect(summarizeKernel(line(9, 1, 1), M, 1).directionDeg).toBeCloseTo(45, 6)
    expect(summarizeKernel(line(9, 1, -1), M, 1).directionDeg).toBeCloseTo(135, 6)
  })

  it('gives a sharp (delta) kernel length ≈ 0', () => {
    const delta = new Array<number>(M * M).fill(0)
    delta[C * M + C] = 1
    expect(summarizeKernel(delta, M, 4).lengthPx).toBeLessThan(1e-9)
  })

  it('renormalises the taps to sum 1 and keeps them row-major', () => {
    const k = summarizeKernel(line(5, 1, 0).map((v) => v * 7), M, 1)
    expect(k.taps.reduce((a, b) => a + b)).toBeCloseTo(1, 12)
    expect(k.taps[C * M + C]).toBeCloseTo(0.2, 12)
    expect(k.size).toBe(M)
  })

  it('refuses a kernel of the wrong size', () => {
    expect(() => summarizeKernel([1, 2, 3], M, 1)).toThrow(/expected 19×19/)
  })
})

describe('region grid: roughly square cells, 8 along the long side', () => {
  it('splits 1001×667 into 8×5 boxes that tile the photo exactly', () => {
    const g = regionGrid(1001, 667, 8)
    expect([g.cols, g.rows]).toEqual([8, 5])
    expect(g.boxes.reduce((a, b) => a + b.width * b.height, 0)).toBe(1001 * 667)
    for (const b of g.boxes) expect(b.width / b.height).toBeGreaterThan(0.66)
    expect(g.boxes[g.boxes.length - 1]).toMatchObject({ x: 876, width: 125, y: 534, height: 133 })
  })

  it('turns with a portrait photo and never makes empty cells on a tiny one', () => {
    expect(regionGrid(400, 1200, 6)).toMatchObject({ cols: 2, rows: 6 })
    const tiny = regionGrid(3, 2, 8)
    expect(tiny.boxes.every((b) => b.width > 0 && b.height > 0)).toBe(true)
  })
})

describe('region accumulator: kernels and t̂ land in the regions they came from', () => {
  /** A kernel map [1, m², h, w] whose left half holds horizontal kernels and right half vertical ones. */
  function splitMap(h: number, w: number): Float32Array {
    const data = new Float32Array(M * M * h * w)
    const horizontal = line(9, 1, 0).map((v) => v / 9)
    const vertical = line(9, 0, 1).map((v) => v / 9)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const k = x < w / 2 ? horizontal : vertical
        for (let t = 0; t < M * M; t++) data[t * h * w + y * w + x] = k[t]!
      }
    return data
  }

  it('reports horizontal blur on the left, vertical on the right, and the weighted t̂', () => {
    const acc = new RegionAccumulator(64, 32, 4, M)
    const ones = (n: number): Float32Array => new Float32Array(n).fill(1)
    // one tile of 64×32 original px, kernel map at stride 4 px
    acc.addKernelMap({ data: splitMap(8, 16), h: 8, w: 16, window: { x: 0, y: 0, width: 64, height: 32 }, strideX: 4, strideY: 4, weightX: ones(64), weightY: ones(32) })
    acc.addTimestep(100, { x: 0, y: 0, width: 64, height: 32 }, ones(64), ones(32))
    // a second tile covering only the right half, with t̂ 200
    acc.addTimestep(200, { x: 32, y: 0, width: 32, height: 32 }, ones(32), ones(32))
    const a = acc.finish({ kernelPixelScale: 4, timestepRange: { min: 0, max: 999 }, model: 'test', provider: 'cpu' }, 200)
    expect([a.cols, a.rows]).toEqual([4, 2])
    const row0 = a.regions.slice(0, 4)
    expect(row0.map((r) => Math.round(r.kernel.directionDeg))).toEqual([0, 0, 90, 90])
    expect(row0.map((r) => r.tHat)).toEqual([100, 100, 150, 150])
    for (const r of a.regions) {
      expect(r.kernel.taps.reduce((s, v) => s + v)).toBeCloseTo(1, 6)
      expect(r.kernel.lengthPx / 4).toBeCloseTo(Math.sqrt(80), 3)
    }
  })

  it('ignores kernel-map cells that fall in the padding past the photo edge', () => {
    const acc = new RegionAccumulator(26, 26, 1, M)
    // window 32×32 over a 26×26 photo at stride 4: cell column/row 7 (px 28..32) is all padding
    const map = splitMap(8, 8)
    for (let t = 0; t < M * M; t++)
      for (let i = 0; i < 8; i++) {
        map[t * 64 + i * 8 + 7] = t === 0 ? 1 : 0
        map[t * 64 + 7 * 8 + i] = t === 0 ? 1 : 0
      }
    const ones = new Float32Array(32).fill(1)
    acc.addKernelMap({ data: map, h: 8, w: 8, window: { x: 0, y: 0, width: 32, height: 32 }, strideX: 4, strideY: 4, weightX: ones, weightY: ones })
    const a = acc.finish({ kernelPixelScale: 1, timestepRange: { min: 0, max: 999 }, model: 'test', provider: 'cpu' }, 200)
    expect(a.regions[0]!.kernel.taps[0]).toBe(0)
    expect(a.regions[0]!.kernel.taps.reduce((s, v) => s + v)).toBeCloseTo(1, 9)
  })
})
