/**
 * Colour maps for the overlays, pure. The timestep heatmap uses a perceptually ordered map
 * (dark blue = little blur, yellow = strong blur: t̂ grows with the number of averaged frames,
 * seed §A); kernel glyphs use a white ramp whose alpha is the tap weight.
 */

export type Rgb = readonly [number, number, number]

/** Anchor colours sampled from matplotlib's viridis (public domain / CC0). */
const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
]

/** Colour of `u` ∈ [0, 1] (clamped), linear between anchors. */
export function viridis(u: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0)) * (VIRIDIS.length - 1)
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x))
  const f = x - i
  const a = VIRIDIS[i]!
  const b = VIRIDIS[i + 1]!
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)]
}

export interface TimestepRange {
  min: number
  max: number
}

/**
 * The legend's span: the trained timesteps t ∈ [80, 280] (seed §A) rather than the model's
 * whole valid range [0, 999], so real differences between regions are visible in colour.
 */
export function legendRange(values: readonly number[], fallback: TimestepRange): TimestepRange {
  const finite = values.filter((v) => Number.isFinite(v))
  if (finite.length === 0) return fallback
  const lo = Math.min(...finite, 80)
  const hi = Math.max(...finite, 280)
  return { min: Math.max(fallback.min, lo), max: Math.min(fallback.max, hi) }
}

export function timestepColor(t: number, range: TimestepRange): Rgb {
  const span = range.max - range.min
  return viridis(span > 0 ? (t - range.min) / span : 0.5)
}

export function cssRgb(c: Rgb, alpha = 1): string {
  return alpha >= 1 ? `rgb(${c[0]} ${c[1]} ${c[2]})` : `rgb(${c[0]} ${c[1]} ${c[2]} / ${alpha})`
}

/** Evenly spaced round tick values for the legend, inside the range. */
export function legendTicks(range: TimestepRange, count = 5): number[] {
  const span = range.max - range.min
  if (!(span > 0)) return [range.min]
  const raw = span / Math.max(1, count - 1)
  const pow = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? raw
  const out: number[] = []
  for (let v = Math.ceil(range.min / step) * step; v <= range.max + 1e-9; v += step) out.push(Math.round(v))
  return out
}

/**
 * RGBA pixels of one m×m kernel glyph: white, alpha = √(tap weight / the kernel's
 * peak), so the faint tail of a long streak stays visible next to a compact kernel.
 */
export function kernelGlyphPixels(taps: readonly number[], size: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(size * size * 4)
  let peak = 0
  for (const t of taps) if (t > peak) peak = t
  for (let i = 0; i < size * size; i++) {
    const w = peak > 0 ? Math.max(0, taps[i] ?? 0) / peak : 0
    out[i * 4] = 255
    out[i * 4 + 1] = 255
    out[i * 4 + 2] = 255
    out[i * 4 + 3] = Math.round(255 * Math.sqrt(w))
  }
  return out
}
