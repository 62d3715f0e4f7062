import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { psnr } from '../../bench/metrics/image-metrics.ts'
import { deconvolveWithKernelMap, kernelPsf } from '../../bench/quality/deconvolve.ts'
import { fft2d } from '../../bench/quality/fft.ts'
import { ensurePairs, loadPair, type BenchPair, type PairsFile } from '../../bench/quality/pairs.ts'
import type { PhotoAnalysis } from '../../src/shared/domain.ts'
import { makePhotoCache } from './bench-photo-cache.ts'

const root = mkdtempSync(join(tmpdir(), 'bench-deconv-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function analysisOf(pair: BenchPair, pairs: PairsFile): PhotoAnalysis {
  return {
    width: pair.blurryPixels.width,
    height: pair.blurryPixels.height,
    cols: pairs.kernelGrid,
    rows: pairs.kernelGrid,
    regions: pair.trueRegions,
    kernelPixelScale: pairs.kernelPixelScale,
    timestepRange: { min: 0, max: 999 },
    model: 'synthesis',
    provider: 'cpu',
  }
}

describe('the classical baseline driven by a kernel map', () => {
  let pairs: PairsFile
  let strong: BenchPair
  beforeAll(async () => {
    const cache = join(root, 'cache')
    makePhotoCache(cache)
    pairs = ensurePairs(join(root, 'pairs'), 3, 4, cache)
    strong = await loadPair(join(root, 'pairs'), pairs, pairs.pairs[3]!) // n = 11
  }, 180_000)

  it('sharpens a synthetic camera-shake pair when given the true kernels (Richardson–Lucy)', () => {
    const before = psnr(strong.blurryPixels, strong.sharpPixels)
    const restored = deconvolveWithKernelMap(strong.blurryPixels, analysisOf(strong, pairs), { method: 'richardson-lucy', iterations: 10 })
    expect(restored.width).toBe(512)
    expect(psnr(restored, strong.sharpPixels)).toBeGreaterThan(before + 1)
  }, 120_000)

  it('makes things worse with a kernel pointing the wrong way, so the gain above is the kernels’ doing', () => {
    const before = psnr(strong.blurryPixels, strong.sharpPixels)
    const m = pairs.kernelSize
    const rotated = strong.trueRegions.map((r) => {
      const taps = r.kernel.taps.map((_, i) => r.kernel.taps[(i % m) * m + Math.floor(i / m)]!) // transpose: x ↔ y
      return { ...r, kernel: { ...r.kernel, taps } }
    })
    const wrong = deconvolveWithKernelMap(strong.blurryPixels, { ...analysisOf(strong, pairs), regions: rotated }, { method: 'richardson-lucy', iterations: 10 })
    const right = deconvolveWithKernelMap(strong.blurryPixels, analysisOf(strong, pairs), { method: 'richardson-lucy', iterations: 10 })
    expect(psnr(wrong, strong.sharpPixels)).toBeLessThan(psnr(right, strong.sharpPixels) - 1)
    expect(psnr(wrong, strong.sharpPixels)).toBeLessThan(before + 0.5)
  }, 120_000)

  it('leaves an unblurred photo as it is when every kernel is a single centre tap at 1 px per tap (Wiener and RL)', () => {
    const m = pairs.kernelSize
    const delta = Array.from({ length: m * m }, (_, i) => (i === (m * m - 1) / 2 ? 1 : 0))
    const regions = strong.trueRegions.map((r) => ({ ...r, kernel: { ...r.kernel, taps: delta } }))
    const analysis = { ...analysisOf(strong, pairs), regions, kernelPixelScale: 1 } // wider taps spread over their span
    for (const method of ['wiener', 'richardson-lucy'] as const) {
      const out = deconvolveWithKernelMap(strong.sharpPixels, analysis, { method, iterations: 3, nsr: 1e-4 })
      expect(psnr(out, strong.sharpPixels), method).toBeGreaterThan(45)
    }
  }, 120_000)

  it('places model taps at pixelScale px apart, as the kernel contract says', () => {
    const m = 5
    const taps = new Array<number>(m * m).fill(0)
    taps[2 * m + 3] = 1 // one tap right of the centre: offset (+1 tap, 0) = (+2 px, 0) at scale 2
    const psf = kernelPsf(taps, m, 2)
    const side = 2 * psf.radius + 1
    const at = (dx: number, dy: number) => psf.weights[(dy + psf.radius) * side + dx + psf.radius]!
    expect(psf.weights.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12)
    expect(at(2, 0)).toBeGreaterThan(at(1, 0))
    expect(at(1, 0)).toBeCloseTo(at(3, 0), 12)
    expect(at(0, 0)).toBe(0)
    expect(at(-2, 0)).toBe(0)
  })

  it('transforms and inverts exactly like a direct DFT (the FFT under Wiener)', () => {
    const n = 8
    const re = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 0.7) + (i % 3))
    const im = new Float64Array(n * n)
    const original = re.slice()
    fft2d(re, im, n, false)
    // direct DFT of one coefficient (u, v) = (1, 2)
    let dr = 0
    let di = 0
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        const a = (-2 * Math.PI * (1 * x + 2 * y)) / n
        dr += original[y * n + x]! * Math.cos(a)
        di += original[y * n + x]! * Math.sin(a)
      }
    expect(re[2 * n + 1]).toBeCloseTo(dr, 10)
    expect(im[2 * n + 1]).toBeCloseTo(di, 10)
    fft2d(re, im, n, true)
    re.forEach((v, i) => expect(v).toBeCloseTo(original[i]!, 12))
  })
})

