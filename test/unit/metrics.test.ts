import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { gaussianWindow, luminance, psnr, ssim } from '../../bench/metrics/image-metrics.ts'
import type { PixelBuffer } from '../../src/shared/domain.ts'

function rgb(width: number, height: number, pixel: (x: number, y: number, c: number) => number): PixelBuffer {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(pixel(x, y, c))))
  return { width, height, channels: 3, bitDepth: 8, data }
}

/** a textured test card and a degraded copy (blur-like smoothing plus a seeded perturbation) */
function seeded(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
}
const random = seeded(7)
const card = rgb(48, 40, (x, y, c) => 128 + 90 * Math.sin(x / 3 + c) * Math.cos(y / 5) + 30 * random())
const degraded = rgb(48, 40, (x, y, c) => card.data[(y * 48 + x) * 3 + c]! * 0.8 + 20 + 25 * (random() - 0.5))

const dir = mkdtempSync(join(tmpdir(), 'metrics-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** PSNR and SSIM computed independently with numpy by /usr/bin/python3 */
function numpyMetrics(a: PixelBuffer, b: PixelBuffer): { psnr: number; ssim: number } {
  writeFileSync(join(dir, 'a.raw'), a.data)
  writeFileSync(join(dir, 'b.raw'), b.data)
  const script = `
import json, sys, numpy as np
h, w = ${a.height}, ${a.width}
a = np.fromfile(sys.argv[1] + '/a.raw', np.uint8).reshape(h, w, 3).astype(np.float64)
b = np.fromfile(sys.argv[1] + '/b.raw', np.uint8).reshape(h, w, 3).astype(np.float64)
mse = np.mean((a - b) ** 2)
p = 10 * np.log10(255.0 ** 2 / mse)
ya, yb = (v @ np.array([0.299, 0.587, 0.114]) for v in (a, b))
g = np.exp(-((np.arange(11) - 5.0) ** 2) / (2 * 1.5 ** 2)); g /= g.sum()
win = np.outer(g, g)
def filt(z):  # direct 2-D 'valid' correlation with the 11x11 window
    out = np.zeros((h - 10, w - 10))
    for i in range(h - 10):
        for j in range(w - 10):
            out[i, j] = np.sum(z[i:i + 11, j:j + 11] * win)
    return out
c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
mx, my = filt(ya), filt(yb)
vx, vy, cxy = filt(ya * ya) - mx ** 2, filt(yb * yb) - my ** 2, filt(ya * yb) - mx * my
s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx ** 2 + my ** 2 + c1) * (vx + vy + c2))
print(json.dumps({"psnr": p, "ssim": float(s.mean())}))
`
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, dir], { encoding: 'utf8' })) as { psnr: number; ssim: number }
}

describe('benchmark metrics a reader can trust', () => {
  it('scores a perfect restoration as infinite PSNR and SSIM 1', () => {
    expect(psnr(card, card)).toBe(Infinity)
    expect(ssim(card, card)).toBe(1)
  })

  it('gives the PSNR of a known uniform error exactly', () => {
    const grey = rgb(16, 16, () => 100)
    const brighter = rgb(16, 16, () => 110)
    expect(psnr(grey, brighter)).toBeCloseTo(10 * Math.log10(255 ** 2 / 100), 12)
  })

  it('gives the SSIM of two flat images by the closed form (2ab + C1) / (a² + b² + C1)', () => {
    const a = rgb(20, 20, () => 60)
    const b = rgb(20, 20, () => 180)
    const c1 = (0.01 * 255) ** 2
    expect(ssim(a, b)).toBeCloseTo((2 * 60 * 180 + c1) / (60 ** 2 + 180 ** 2 + c1), 12)
  })

  it('uses a normalised 11-tap Gaussian window with σ = 1.5', () => {
    const w = gaussianWindow()
    expect(w).toHaveLength(11)
    expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14)
    expect(w[5]! / w[4]!).toBeCloseTo(Math.exp(1 / (2 * 1.5 ** 2)), 12)
  })

  it('measures SSIM on BT.601 luminance, not on one colour channel', () => {
    const y = luminance(card)
    expect(y[0]).toBeCloseTo(0.299 * card.data[0]! + 0.587 * card.data[1]! + 0.114 * card.data[2]!, 12)
  })

  it('matches an independent numpy computation of PSNR and SSIM on a textured image', () => {
    const reference = numpyMetrics(degraded, card)
    expect(psnr(degraded, card)).toBeCloseTo(reference.psnr, 9)
    expect(ssim(degraded, card)).toBeCloseTo(reference.ssim, 9)
    expect(reference.ssim).toBeLessThan(0.99) // the case is not degenerate
  })

  it('refuses to compare images of different sizes with a clear message', () => {
    expect(() => psnr(card, rgb(8, 8, () => 0))).toThrow(/differ in size \(48×40 vs 8×8\)/)
  })
})
