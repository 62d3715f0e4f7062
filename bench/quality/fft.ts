/**
 * A small radix-2 complex FFT (power-of-two sizes) for the classical deconvolution baseline:
 * 1-D in place, and 2-D on row-major planes. Unnormalised forward, 1/N-normalised inverse.
 */

const tables = new Map<number, { cos: Float64Array; sin: Float64Array; rev: Uint32Array }>()

function table(n: number) {
  let t = tables.get(n)
  if (t) return t
  if (n < 1 || (n & (n - 1)) !== 0) throw new RangeError(`FFT size must be a power of two, got ${n}`)
  const cos = new Float64Array(n / 2)
  const sin = new Float64Array(n / 2)
  for (let i = 0; i < n / 2; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / n)
    sin[i] = Math.sin((2 * Math.PI * i) / n)
  }
  const bits = Math.log2(n)
  const rev = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    let r = 0
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b)
    rev[i] = r
  }
  t = { cos, sin, rev }
  tables.set(n, t)
  return t
}

/** In-place FFT of n values at re[offset + k·stride], im[…]; inverse scales by 1/n. */
export function fft1d(re: Float64Array, im: Float64Array, n: number, offset: number, stride: number, inverse: boolean): void {
  const { cos, sin, rev } = table(n)
  for (let i = 0; i < n; i++) {
    const j = rev[i]!
    if (j > i) {
      const a = offset + i * stride
      const b = offset + j * stride
      const tr = re[a]!
      re[a] = re[b]!
      re[b] = tr
      const ti = im[a]!
      im[a] = im[b]!
      im[b] = ti
    }
  }
  const sign = inverse ? 1 : -1
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2
    const step = n / size
    for (let start = 0; start < n; start += size)
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!
        const wi = sign * sin[k * step]!
        const a = offset + (start + k) * stride
        const b = a + half * stride
        const xr = re[b]! * wr - im[b]! * wi
        const xi = re[b]! * wi + im[b]! * wr
        re[b] = re[a]! - xr
        im[b] = im[a]! - xi
        re[a] = re[a]! + xr
        im[a] = im[a]! + xi
      }
  }
  if (inverse)
    for (let i = 0; i < n; i++) {
      re[offset + i * stride]! /= n
      im[offset + i * stride]! /= n
    }
}

/** In-place 2-D FFT of a size×size row-major complex plane. */
export function fft2d(re: Float64Array, im: Float64Array, size: number, inverse: boolean): void {
  for (let y = 0; y < size; y++) fft1d(re, im, size, y * size, 1, inverse)
  for (let x = 0; x < size; x++) fft1d(re, im, size, x, size, inverse)
}
