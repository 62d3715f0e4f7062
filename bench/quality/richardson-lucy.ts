/**
 * Richardson–Lucy with a spatially varying blur: each analysis region blurs with its own kernel
 * (piecewise-constant operator A), edges replicated. The multiplicative update is normalised by
 * Aᵀ1, so region seams and image edges do not bias the estimate:
 *   x ← x · Aᵀ(b / Ax) / Aᵀ1.
 * Applied directly (sparse taps), not by FFT: a motion kernel touches a few dozen pixels.
 */
import type { PixelPsf } from './deconvolve.ts'

export interface RegionPsf {
  box: { x: number; y: number; width: number; height: number }
  psf: PixelPsf
}

interface SparseTaps {
  dx: Int32Array
  dy: Int32Array
  w: Float32Array
}

/**
 * The heaviest taps holding `mass` of the kernel, at most `limit` of them, renormalised: a
 * motion kernel keeps its path, and a diffuse estimated kernel (hundreds of faint taps) stays
 * affordable — its faint haze is no blur model a deconvolution could use anyway.
 */
function sparseTaps(psf: PixelPsf, mass = 0.98, limit = 128): SparseTaps {
  const side = 2 * psf.radius + 1
  const order = Array.from(psf.weights.keys()).sort((a, b) => psf.weights[b]! - psf.weights[a]! || a - b)
  const keep: number[] = []
  let total = 0
  for (const i of order) {
    if (total >= mass || keep.length >= limit || psf.weights[i]! <= 0) break
    keep.push(i)
    total += psf.weights[i]!
  }
  return {
    dx: Int32Array.from(keep, (i) => (i % side) - psf.radius),
    dy: Int32Array.from(keep, (i) => Math.floor(i / side) - psf.radius),
    w: Float32Array.from(keep, (i) => psf.weights[i]! / total),
  }
}

/** RL on the three planes at once (interleaved RGB in the loops: one pass over the taps per iteration). */
export function richardsonLucy(planes: Float32Array[], width: number, height: number, regions: RegionPsf[], iterations: number): Float32Array[] {
  if (planes.length !== 3) throw new RangeError(`Richardson–Lucy takes 3 planes, got ${planes.length}`)
  const taps = regions.map((r) => sparseTaps(r.psf))
  const pad = regions.reduce((m, r) => Math.max(m, r.psf.radius), 0)
  const pw = width + 2 * pad
  const ph = height + 2 * pad
  const size = width * height
  const padded = new Float32Array(pw * ph * 3)

  /** replicate-pad interleaved `src` into `padded` */
  const fill = (src: Float32Array) => {
    for (let y = 0; y < ph; y++) {
      const sy = Math.min(height - 1, Math.max(0, y - pad)) * width
      for (let x = 0; x < pw; x++) {
        const s = (sy + Math.min(width - 1, Math.max(0, x - pad))) * 3
        const d = (y * pw + x) * 3
        padded[d] = src[s]!
        padded[d + 1] = src[s + 1]!
        padded[d + 2] = src[s + 2]!
      }
    }
  }
  /** out = A·src */
  const forward = (src: Float32Array, out: Float32Array) => {
    fill(src)
    out.fill(0)
    regions.forEach(({ box }, r) => {
      const { dx, dy, w } = taps[r]!
      for (let k = 0; k < w.length; k++) {
        const wk = w[k]!
        for (let y = box.y; y < box.y + box.height; y++) {
          let o = (y * width + box.x) * 3
          let i = ((y + dy[k]! + pad) * pw + box.x + dx[k]! + pad) * 3
          for (let x = 0; x < box.width; x++, o += 3, i += 3) {
            out[o]! += wk * padded[i]!
            out[o + 1]! += wk * padded[i + 1]!
            out[o + 2]! += wk * padded[i + 2]!
          }
        }
      }
    })
  }
  /** out = Aᵀ·src: scatter into the padded grid, then fold the padding back onto the edge pixels */
  const adjoint = (src: Float32Array, out: Float32Array) => {
    padded.fill(0)
    regions.forEach(({ box }, r) => {
      const { dx, dy, w } = taps[r]!
      for (let k = 0; k < w.length; k++) {
        const wk = w[k]!
        for (let y = box.y; y < box.y + box.height; y++) {
          let o = (y * width + box.x) * 3
          let i = ((y + dy[k]! + pad) * pw + box.x + dx[k]! + pad) * 3
          for (let x = 0; x < box.width; x++, o += 3, i += 3) {
            padded[i]! += wk * src[o]!
            padded[i + 1]! += wk * src[o + 1]!
            padded[i + 2]! += wk * src[o + 2]!
          }
        }
      }
    })
    out.fill(0)
    for (let y = 0; y < ph; y++) {
      const sy = Math.min(height - 1, Math.max(0, y - pad)) * width
      for (let x = 0; x < pw; x++) {
        const d = (sy + Math.min(width - 1, Math.max(0, x - pad))) * 3
        const s = (y * pw + x) * 3
        out[d]! += padded[s]!
        out[d + 1]! += padded[s + 1]!
        out[d + 2]! += padded[s + 2]!
      }
    }
  }

  const observed = new Float32Array(size * 3)
  for (let p = 0; p < size; p++) for (let c = 0; c < 3; c++) observed[p * 3 + c] = planes[c]![p]!
  const norm = new Float32Array(size * 3)
  adjoint(new Float32Array(size * 3).fill(1), norm)
  const estimate = observed.slice()
  const blurred = new Float32Array(size * 3)
  const ratio = new Float32Array(size * 3)
  for (let it = 0; it < iterations; it++) {
    forward(estimate, blurred)
    for (let i = 0; i < ratio.length; i++) ratio[i] = observed[i]! / Math.max(1e-6, blurred[i]!)
    adjoint(ratio, blurred)
    for (let i = 0; i < ratio.length; i++) estimate[i]! *= blurred[i]! / Math.max(1e-6, norm[i]!)
  }
  return [0, 1, 2].map((c) => Float32Array.from({ length: size }, (_, p) => estimate[p * 3 + c]!))
}
