/**
 * Tile plan and blend window (pure geometry). Tiles are laid out in ORIGINAL-image pixels;
 * the model sees each tile upsampled ×f (seed §A), so a tile window of T original pixels is a
 * model input of f·T pixels, and f·T must be a multiple of the manifest's tile.multiple.
 *
 * Neighbouring windows overlap; each window carries a weight that is flat in its core and
 * falls off with a raised-cosine ramp across the overlap, so blended results have no seams.
 * Weights are sampled at pixel centres and never reach 0, so their sum is positive everywhere.
 */
import type { Box } from '../../shared/domain.ts'

/** One tile along one axis, in original-image pixels. */
export interface AxisTile {
  /** first pixel of the window the model sees */
  start: number
  /** window length; may run past the image end for images smaller than a tile (edge-clamped) */
  size: number
  /** the part this tile "owns" in reports: the cores of all tiles partition the axis */
  coreStart: number
  coreEnd: number
  /** ramp lengths at the window's two ends (the overlap with the previous / next tile) */
  rampBefore: number
  rampAfter: number
}

export interface PlannedTile {
  index: number
  row: number
  col: number
  /** the window read from the image (original px); may extend past the right/bottom edge */
  window: Box
  /** the region this tile owns (original px, inside the image) */
  core: Box
}

export interface TilePlanOptions {
  width: number
  height: number
  /** upsampling factor f */
  factor: number
  /** tile edge in model-input pixels */
  tileSize: number
  /** overlap in model-input pixels */
  overlap: number
  /** model-input edges must be multiples of this */
  multiple: number
}

export interface TilePlan {
  width: number
  height: number
  factor: number
  /** window edge in original px for a full tile */
  window: number
  /** nominal overlap in original px */
  overlap: number
  cols: AxisTile[]
  rows: AxisTile[]
  /** row-major, so one row of tiles forms a band */
  tiles: PlannedTile[]
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

function positiveInt(name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`)
}

/**
 * Windows of `size` spread evenly over [0, length) so that neighbours overlap by at least
 * `overlap`; all windows lie inside the image unless the image is shorter than one window.
 */
export function planAxis(length: number, size: number, overlap: number, unit: number): AxisTile[] {
  positiveInt('length', length)
  positiveInt('window size', size)
  positiveInt('overlap', overlap, 0)
  if (length <= size) {
    const padded = Math.ceil(length / unit) * unit
    return [{ start: 0, size: padded, coreStart: 0, coreEnd: length, rampBefore: 0, rampAfter: 0 }]
  }
  const n = Math.ceil((length - overlap) / (size - overlap))
  const starts = Array.from({ length: n }, (_, k) => Math.round((k * (length - size)) / (n - 1)))
  const cores = starts.map((s, k) => (k === 0 ? 0 : Math.round((s + starts[k - 1]! + size) / 2)))
  return starts.map((start, k) => ({
    start,
    size,
    coreStart: cores[k]!,
    coreEnd: k === n - 1 ? length : cores[k + 1]!,
    rampBefore: k === 0 ? 0 : starts[k - 1]! + size - start,
    rampAfter: k === n - 1 ? 0 : start + size - starts[k + 1]!,
  }))
}

export function tilePlan(options: TilePlanOptions): TilePlan {
  const { width, height, factor, tileSize, overlap, multiple } = options
  positiveInt('image width', width)
  positiveInt('image height', height)
  positiveInt('upscale factor', factor)
  positiveInt('tile size', tileSize)
  positiveInt('tile overlap', overlap, 0)
  positiveInt('tile multiple', multiple)
  // smallest original-px step whose upsampled size is a multiple of `multiple`
  const unit = multiple / gcd(factor, multiple)
  const window = Math.max(unit, Math.floor(tileSize / factor / unit) * unit)
  const ov = Math.ceil(overlap / factor)
  if (2 * ov >= window)
    throw new RangeError(
      `tile size ${tileSize} is too small for the model's overlap of ${overlap} px: use at least ${2 * overlap + multiple}`,
    )
  const cols = planAxis(width, window, ov, unit)
  const rows = planAxis(height, window, ov, unit)
  const tiles: PlannedTile[] = []
  rows.forEach((r, row) =>
    cols.forEach((c, col) =>
      tiles.push({
        index: tiles.length,
        row,
        col,
        window: { x: c.start, y: r.start, width: c.size, height: r.size },
        core: { x: c.coreStart, y: r.coreStart, width: c.coreEnd - c.coreStart, height: r.coreEnd - r.coreStart },
      }),
    ),
  )
  return { width, height, factor, window, overlap: ov, cols, rows, tiles }
}

/** Raised-cosine rise over `length` pixels, sampled at pixel centres: (0, 1), never 0 or 1. */
function rise(i: number, length: number): number {
  return 0.5 - 0.5 * Math.cos((Math.PI * (i + 0.5)) / length)
}

/**
 * Blend weight per window position along one axis: 1 in the core, ramps over the overlaps.
 * A tile's falling ramp and its neighbour's rising ramp cover the same pixels and sum to 1.
 */
export function axisWeights(tile: AxisTile): Float32Array {
  const w = new Float32Array(tile.size).fill(1)
  for (let i = 0; i < tile.rampBefore; i++) w[i]! *= rise(i, tile.rampBefore)
  const fallStart = tile.size - tile.rampAfter
  for (let i = 0; i < tile.rampAfter; i++) w[fallStart + i]! *= 1 - rise(i, tile.rampAfter)
  return w
}
