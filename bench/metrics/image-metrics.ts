/**
 * Full-reference image metrics for the quality benchmark (issue 6), own implementations:
 * PSNR over the RGB channels at 8-bit scale, and SSIM (Wang et al. 2004) on BT.601 luminance
 * with an 11×11 Gaussian window, σ = 1.5, K1 = 0.01, K2 = 0.03, L = 255, averaged over the
 * 'valid' window positions (the reference MATLAB ssim_index convention).
 */
import type { PixelBuffer } from '../../src/shared/domain.ts'

/** 8-bit-scale values of the RGB channels, alpha dropped, 16-bit scaled down. */
function rgb255(image: PixelBuffer): Float64Array {
  const { width, height, channels, bitDepth, data } = image
  const scale = bitDepth === 16 ? 255 / 65535 : 1
  const out = new Float64Array(width * height * 3)
  for (let p = 0; p < width * height; p++)
    for (let c = 0; c < 3; c++) out[p * 3 + c] = data[p * channels + c]! * scale
  return out
}

function checkSameSize(a: PixelBuffer, b: PixelBuffer, what: string): void {
  if (a.width !== b.width || a.height !== b.height)
    throw new RangeError(`${what}: images differ in size (${a.width}×${a.height} vs ${b.width}×${b.height})`)
}

/** PSNR in dB over R, G and B; Infinity when the images are identical. */
export function psnr(result: PixelBuffer, reference: PixelBuffer): number {
  checkSameSize(result, reference, 'PSNR')
  const a = rgb255(result)
  const b = rgb255(reference)
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2
  const mse = sum / a.length
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse)
}

/** BT.601 luma (Y' of Y'CbCr without the 16–235 offset), 8-bit scale. */
export function luminance(image: PixelBuffer): Float64Array {
  const rgb = rgb255(image)
  const y = new Float64Array(image.width * image.height)
  for (let p = 0; p < y.length; p++) y[p] = 0.299 * rgb[p * 3]! + 0.587 * rgb[p * 3 + 1]! + 0.114 * rgb[p * 3 + 2]!
  return y
}

/** Normalised 1-D Gaussian of `size` taps; the 2-D window is its outer product. */
export function gaussianWindow(size = 11, sigma = 1.5): Float64Array {
  const c = (size - 1) / 2
  const w = Float64Array.from({ length: size }, (_, i) => Math.exp(-((i - c) ** 2) / (2 * sigma * sigma)))
  const total = w.reduce((s, v) => s + v, 0)
  return w.map((v) => v / total)
}

/** 'valid' separable filtering of a width×height plane: (width−k+1)×(height−k+1) values. */
function filterValid(plane: Float64Array, width: number, height: number, w: Float64Array): Float64Array {
  const k = w.length
  const ow = width - k + 1
  const oh = height - k + 1
  const rows = new Float64Array(ow * height)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < ow; x++) {
      let s = 0
      for (let i = 0; i < k; i++) s += w[i]! * plane[y * width + x + i]!
      rows[y * ow + x] = s
    }
  const out = new Float64Array(ow * oh)
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++) {
      let s = 0
      for (let i = 0; i < k; i++) s += w[i]! * rows[(y + i) * ow + x]!
      out[y * ow + x] = s
    }
  return out
}

/** Mean SSIM of two planes of 8-bit-scale values (1 for identical planes). */
export function ssimPlanes(x: Float64Array, y: Float64Array, width: number, height: number): number {
  const win = gaussianWindow()
  if (width < win.length || height < win.length)
    throw new RangeError(`SSIM needs at least ${win.length}×${win.length} pixels, got ${width}×${height}`)
  const c1 = (0.01 * 255) ** 2
  const c2 = (0.03 * 255) ** 2
  const product = (p: Float64Array, q: Float64Array) => p.map((v, i) => v * q[i]!)
  const mx = filterValid(x, width, height, win)
  const my = filterValid(y, width, height, win)
  const sxx = filterValid(product(x, x), width, height, win)
  const syy = filterValid(product(y, y), width, height, win)
  const sxy = filterValid(product(x, y), width, height, win)
  let sum = 0
  for (let i = 0; i < mx.length; i++) {
    const ux = mx[i]!
    const uy = my[i]!
    const vx = sxx[i]! - ux * ux
    const vy = syy[i]! - uy * uy
    const cov = sxy[i]! - ux * uy
    sum += ((2 * ux * uy + c1) * (2 * cov + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
  }
  return sum / mx.length
}

/** SSIM on luminance. */
export function ssim(result: PixelBuffer, reference: PixelBuffer): number {
  checkSameSize(result, reference, 'SSIM')
  return ssimPlanes(luminance(result), luminance(reference), result.width, result.height)
}
