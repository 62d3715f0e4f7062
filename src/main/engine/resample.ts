/**
 * Sample-aligned resampling by an integer factor f (seed §A: ×2 before the VAE, back after).
 *
 * Upsampling: U(x)[f·i + r] = Catmull-Rom cubic (a = −0.5) at position i + r/f from
 * x[i−1], x[i], x[i+1], x[i+2] with edge clamping, so U(x)[f·i] = x[i] exactly and the output
 * has f·N samples. Downsampling: D(y)[i] = y[f·i]. Hence D(U(x)) = x exactly.
 * training/ implements the same functions; both must agree to float32 rounding (the
 * r = 0 samples are exact copies in both).
 *
 * Arrays are planar float32: channel-major, then rows, then columns.
 */

/** Catmull-Rom weights for x[i−1], x[i], x[i+1], x[i+2] at fractional offset t ∈ [0, 1). */
export function catmullRomWeights(t: number): [number, number, number, number] {
  const t2 = t * t
  const t3 = t2 * t
  return [
    -0.5 * t3 + t2 - 0.5 * t,
    1.5 * t3 - 2.5 * t2 + 1,
    -1.5 * t3 + 2 * t2 + 0.5 * t,
    0.5 * t3 - 0.5 * t2,
  ]
}

function checkFactor(factor: number): void {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`resample factor must be a positive integer, got ${factor}`)
}

/**
 * Resample `count` lines of `n` samples each. Line j, sample k lives at
 * src[j·lineStride + k·sampleStride]; output line j, sample k at dst[j·outLineStride + k·outSampleStride].
 */
function upsampleLines(
  src: Float32Array,
  dst: Float32Array,
  n: number,
  count: number,
  factor: number,
  layout: { lineStride: number; sampleStride: number; outLineStride: number; outSampleStride: number },
): void {
  const weights = Array.from({ length: factor }, (_, r) => catmullRomWeights(r / factor))
  const { lineStride, sampleStride, outLineStride, outSampleStride } = layout
  const last = n - 1
  for (let j = 0; j < count; j++) {
    const base = j * lineStride
    const outBase = j * outLineStride
    for (let i = 0; i < n; i++) {
      const x0 = src[base + Math.max(i - 1, 0) * sampleStride]!
      const x1 = src[base + i * sampleStride]!
      const x2 = src[base + Math.min(i + 1, last) * sampleStride]!
      const x3 = src[base + Math.min(i + 2, last) * sampleStride]!
      // r = 0 copies x[i] itself so that D(U(x)) = x holds bit for bit
      dst[outBase + factor * i * outSampleStride] = x1
      for (let r = 1; r < factor; r++) {
        const w = weights[r]!
        dst[outBase + (factor * i + r) * outSampleStride] = w[0] * x0 + w[1] * x1 + w[2] * x2 + w[3] * x3
      }
    }
  }
}

/** U applied along one line (for tests and the Python parity check). */
export function upsample1d(x: ArrayLike<number>, factor: number): Float32Array {
  checkFactor(factor)
  const src = Float32Array.from(x)
  const dst = new Float32Array(src.length * factor)
  upsampleLines(src, dst, src.length, 1, factor, { lineStride: 0, sampleStride: 1, outLineStride: 0, outSampleStride: 1 })
  return dst
}

/** D applied along one line. */
export function downsample1d(y: ArrayLike<number>, factor: number): Float32Array {
  checkFactor(factor)
  if (y.length % factor !== 0) throw new RangeError(`length ${y.length} is not a multiple of ${factor}`)
  const out = new Float32Array(y.length / factor)
  for (let i = 0; i < out.length; i++) out[i] = y[i * factor]!
  return out
}

/** U separably on a planar image: rows first, then columns. Returns [channels, f·height, f·width]. */
export function upsamplePlanar(src: Float32Array, channels: number, width: number, height: number, factor: number): Float32Array {
  checkFactor(factor)
  if (src.length !== channels * width * height) throw new RangeError('planar buffer size does not match its dimensions')
  if (factor === 1) return src.slice()
  const fw = width * factor
  const fh = height * factor
  const rows = new Float32Array(channels * height * fw)
  upsampleLines(src, rows, width, channels * height, factor, { lineStride: width, sampleStride: 1, outLineStride: fw, outSampleStride: 1 })
  const out = new Float32Array(channels * fh * fw)
  for (let c = 0; c < channels; c++) {
    const plane = rows.subarray(c * height * fw, (c + 1) * height * fw)
    const outPlane = out.subarray(c * fh * fw, (c + 1) * fh * fw)
    upsampleLines(plane, outPlane, height, fw, factor, { lineStride: 1, sampleStride: fw, outLineStride: 1, outSampleStride: fw })
  }
  return out
}

/** D on a planar image: keeps samples (f·y, f·x). Returns [channels, height/f, width/f]. */
export function downsamplePlanar(src: Float32Array, channels: number, width: number, height: number, factor: number): Float32Array {
  checkFactor(factor)
  if (src.length !== channels * width * height) throw new RangeError('planar buffer size does not match its dimensions')
  if (width % factor !== 0 || height % factor !== 0) throw new RangeError(`${width}×${height} is not a multiple of ${factor}`)
  const w = width / factor
  const h = height / factor
  const out = new Float32Array(channels * w * h)
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < h; y++) {
      const srcRow = c * width * height + y * factor * width
      const dstRow = (c * h + y) * w
      for (let x = 0; x < w; x++) out[dstRow + x] = src[srcRow + x * factor]!
    }
  return out
}
