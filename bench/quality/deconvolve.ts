/**
 * The classical baseline of the quality benchmark (issue 6): Richardson–Lucy or Wiener
 * deconvolution driven by the model's OWN estimated kernels, one per analysis region — so the
 * table shows whether the kernel map is useful on its own, apart from the restorer.
 *
 * Kernels follow the contract's correlation form (training/data/blur_synthesis.py):
 *   blurry(p) ≈ Σ k[ky, kx] · sharp(p + s·(kx − c, ky − c)),  c = m // 2, s = kernelPixelScale,
 * applied in linear light (the synthesis averages frames in linear light, seed §D). Each region
 * is deconvolved in a power-of-two window (its box, a blend band and context for the kernel's
 * reach, image edges replicated) by FFT, and regions are blended with linear ramps.
 */
import type { PhotoAnalysis, PixelBuffer } from '../../src/shared/domain.ts'
import { fft2d } from './fft.ts'
import { richardsonLucy, type RegionPsf } from './richardson-lucy.ts'

export interface DeconvolutionOptions {
  method: 'richardson-lucy' | 'wiener'
  /** Richardson–Lucy iterations */
  iterations?: number
  /** Wiener noise-to-signal ratio */
  nsr?: number
}

/** A point-spread function on the pixel grid: weights at offsets −radius…radius, summing to 1. */
export interface PixelPsf {
  radius: number
  /** (2·radius + 1)², row-major; index (dy + radius)·side + (dx + radius) holds the correlation weight at offset (dx, dy) */
  weights: Float64Array
}

/** Model taps (m×m at `pixelScale` px per tap) → pixel PSF, each tap spread as a tent as wide as its spacing. */
export function kernelPsf(taps: ArrayLike<number>, size: number, pixelScale: number): PixelPsf {
  if (taps.length !== size * size) throw new RangeError(`kernel has ${taps.length} taps, expected ${size}×${size}`)
  const c = (size - 1) / 2
  const spread = Math.max(1, pixelScale)
  const radius = Math.ceil(c * pixelScale + spread)
  const side = 2 * radius + 1
  const weights = new Float64Array(side * side)
  for (let ky = 0; ky < size; ky++)
    for (let kx = 0; kx < size; kx++) {
      const tap = Math.max(0, taps[ky * size + kx]!)
      if (tap === 0) continue
      const ox = (kx - c) * pixelScale
      const oy = (ky - c) * pixelScale
      for (let dy = Math.ceil(oy - spread); dy <= Math.floor(oy + spread); dy++) {
        const wy = 1 - Math.abs(dy - oy) / spread
        if (wy <= 0) continue
        for (let dx = Math.ceil(ox - spread); dx <= Math.floor(ox + spread); dx++) {
          const wx = 1 - Math.abs(dx - ox) / spread
          if (wx > 0) weights[(dy + radius) * side + dx + radius]! += tap * wx * wy
        }
      }
    }
  const total = weights.reduce((s, v) => s + v, 0)
  if (total <= 0) weights[radius * side + radius] = 1 // an empty kernel means "no blur"
  else for (let i = 0; i < weights.length; i++) weights[i]! /= total
  return { radius, weights }
}

const toLinear = Float64Array.from({ length: 256 }, (_, v) => {
  const x = v / 255
  return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4
})
function toSrgb8(x: number): number {
  const v = Math.min(1, Math.max(0, x))
  return Math.round(255 * (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055))
}

const BLEND = 8 // px each side of a region box over which neighbouring regions cross-fade

/** The PSF's spectrum in an n×n circular window (correlation offsets wrap around). */
function psfSpectrum(psf: PixelPsf, n: number): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(n * n)
  const im = new Float64Array(n * n)
  const side = 2 * psf.radius + 1
  for (let dy = -psf.radius; dy <= psf.radius; dy++)
    for (let dx = -psf.radius; dx <= psf.radius; dx++)
      re[((dy + n) % n) * n + ((dx + n) % n)]! += psf.weights[(dy + psf.radius) * side + dx + psf.radius]!
  fft2d(re, im, n, false)
  return { re, im }
}

/**
 * Wiener-deconvolve two real n×n planes packed as one complex plane (a real PSF keeps them
 * apart): X = B·K / (|K|² + nsr), the forward blur being B = X·conj(K) (correlation form).
 */
function wienerPacked(br: Float64Array, bi: Float64Array, k: { re: Float64Array; im: Float64Array }, n: number, nsr: number) {
  const re = br.slice()
  const im = bi.slice()
  fft2d(re, im, n, false)
  for (let i = 0; i < re.length; i++) {
    const kr = k.re[i]!
    const ki = k.im[i]!
    const d = kr * kr + ki * ki + nsr
    const r = (re[i]! * kr - im[i]! * ki) / d
    im[i] = (re[i]! * ki + im[i]! * kr) / d
    re[i] = r
  }
  fft2d(re, im, n, true)
  return { re, im }
}

function nextPow2(v: number): number {
  return 2 ** Math.ceil(Math.log2(v))
}

/** Wiener per region in a power-of-two window, regions cross-faded over BLEND px. */
function wienerByRegion(linear: Float64Array[], width: number, height: number, regions: RegionPsf[], nsr: number): Float64Array[] {
  const acc = [new Float64Array(width * height), new Float64Array(width * height), new Float64Array(width * height)]
  const weightSum = new Float64Array(width * height)
  for (const { box, psf } of regions) {
    const x0 = Math.max(0, box.x - BLEND)
    const y0 = Math.max(0, box.y - BLEND)
    const x1 = Math.min(width, box.x + box.width + BLEND)
    const y1 = Math.min(height, box.y + box.height + BLEND)
    const n = nextPow2(Math.max(x1 - x0, y1 - y0) + 2 * (psf.radius + 4))
    const ox = x0 - Math.floor((n - (x1 - x0)) / 2)
    const oy = y0 - Math.floor((n - (y1 - y0)) / 2)
    const window = (p: Float64Array) => {
      const w = new Float64Array(n * n)
      for (let y = 0; y < n; y++) {
        const sy = Math.min(height - 1, Math.max(0, oy + y))
        for (let x = 0; x < n; x++) w[y * n + x] = p[sy * width + Math.min(width - 1, Math.max(0, ox + x))]!
      }
      return w
    }
    const k = psfSpectrum(psf, n)
    const rg = wienerPacked(window(linear[0]!), window(linear[1]!), k, n, nsr)
    const b = wienerPacked(window(linear[2]!), new Float64Array(n * n), k, n, nsr)
    const results = [rg.re, rg.im, b.re]
    for (let y = y0; y < y1; y++) {
      const wy = Math.min(1, (y - y0 + 0.5) / (2 * BLEND), (y1 - y - 0.5) / (2 * BLEND))
      for (let x = x0; x < x1; x++) {
        const w = wy * Math.min(1, (x - x0 + 0.5) / (2 * BLEND), (x1 - x - 0.5) / (2 * BLEND))
        const at = (y - oy) * n + (x - ox)
        for (let c = 0; c < 3; c++) acc[c]![y * width + x]! += w * results[c]![at]!
        weightSum[y * width + x]! += w
      }
    }
  }
  return acc.map((plane) => plane.map((v, p) => v / weightSum[p]!))
}

/** Deconvolve `blurry` with the per-region kernels of `analysis` (same photo, same size). */
export function deconvolveWithKernelMap(blurry: PixelBuffer, analysis: PhotoAnalysis, options: DeconvolutionOptions): PixelBuffer {
  const { width, height, channels } = blurry
  if (analysis.width !== width || analysis.height !== height)
    throw new RangeError(`kernel map is for ${analysis.width}×${analysis.height}, the photo is ${width}×${height}`)
  const scale = blurry.bitDepth === 16 ? 255 / 65535 : 1
  const plane = (c: number) => Float64Array.from({ length: width * height }, (_, p) => toLinear[Math.round(blurry.data[p * channels + c]! * scale)]!)
  const linear = [plane(0), plane(1), plane(2)]
  const regions = analysis.regions.map((r) => ({ box: r.box, psf: kernelPsf(r.kernel.taps, r.kernel.size, analysis.kernelPixelScale) }))
  const restored: ArrayLike<number>[] =
    options.method === 'wiener'
      ? wienerByRegion(linear, width, height, regions, options.nsr ?? 0.01)
      : richardsonLucy(linear.map((p) => Float32Array.from(p)), width, height, regions, options.iterations ?? 30)
  const out = new Uint8Array(width * height * channels)
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) out[p * channels + c] = toSrgb8(restored[c]![p]!)
    if (channels === 4) out[p * 4 + 3] = Math.round(blurry.data[p * 4 + 3]! * scale)
  }
  return { width, height, channels, bitDepth: 8, data: out }
}
