/**
 * Per-region summary of the kernel map and t̂ (seed §A, §C), pure and incremental: tiles add
 * their kernel map and t̂ as they finish, so nothing whole-image sized is ever kept.
 */
import type { Box, KernelSummary, PhotoAnalysis, RegionAnalysis } from '../../shared/domain.ts'

export interface RegionGrid {
  cols: number
  rows: number
  /** column / row boundaries in original px: cols + 1 and rows + 1 entries */
  xs: number[]
  ys: number[]
  /** row-major */
  boxes: Box[]
}

/** `grid` cells along the long side, as many along the short side as keeps cells roughly square. */
export function regionGrid(width: number, height: number, grid: number): RegionGrid {
  if (!Number.isInteger(grid) || grid < 1) throw new RangeError(`analysis grid must be a positive integer, got ${grid}`)
  const long = Math.max(width, height)
  const cols = Math.max(1, Math.min(width, Math.round((grid * width) / long)))
  const rows = Math.max(1, Math.min(height, Math.round((grid * height) / long)))
  const xs = Array.from({ length: cols + 1 }, (_, i) => Math.round((i * width) / cols))
  const ys = Array.from({ length: rows + 1 }, (_, i) => Math.round((i * height) / rows))
  const boxes: Box[] = []
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) boxes.push({ x: xs[c]!, y: ys[r]!, width: xs[c + 1]! - xs[c]!, height: ys[r + 1]! - ys[r]! })
  return { cols, rows, xs, ys, boxes }
}

/**
 * Direction and length of one m×m kernel from its second moments. Direction is the principal
 * axis in degrees [0, 180), 0 = horizontal, counter-clockwise with image y pointing down (so
 * −dy is "up"); length = sqrt(12·λmax) taps (a uniform line of L taps has variance ≈ L²/12),
 * times `pixelScale` original px per tap.
 */
export function summarizeKernel(taps: ArrayLike<number>, size: number, pixelScale: number): KernelSummary {
  if (taps.length !== size * size) throw new RangeError(`kernel has ${taps.length} taps, expected ${size}×${size}`)
  let total = 0
  for (let i = 0; i < taps.length; i++) total += Math.max(0, taps[i]!)
  const norm = Array.from(taps, (v) => (total > 0 ? Math.max(0, v) / total : 0))
  if (total <= 0) norm[(size * size - 1) / 2] = 1 // an all-zero kernel reads as "no blur"
  let mx = 0
  let my = 0
  norm.forEach((v, i) => {
    mx += v * (i % size)
    my += v * -Math.floor(i / size)
  })
  let sxx = 0
  let syy = 0
  let sxy = 0
  norm.forEach((v, i) => {
    const dx = (i % size) - mx
    const dy = -Math.floor(i / size) - my
    sxx += v * dx * dx
    syy += v * dy * dy
    sxy += v * dx * dy
  })
  const half = (sxx - syy) / 2
  const lambdaMax = (sxx + syy) / 2 + Math.sqrt(half * half + sxy * sxy)
  let deg = (0.5 * Math.atan2(2 * sxy, sxx - syy) * 180) / Math.PI
  if (deg < 0) deg += 180
  if (deg >= 180) deg -= 180
  return { size, taps: norm, directionDeg: deg, lengthPx: Math.sqrt(12 * Math.max(0, lambdaMax)) * pixelScale }
}

/** Tile-local geometry for one kernel map: where its cells land in the original image. */
export interface KernelMapPlacement {
  /** kernel_map data [1, m², h, w]; channel r·m + c is tap (row r from the top, column c) */
  data: Float32Array
  h: number
  w: number
  /** the tile window (original px) the map was computed on */
  window: Box
  /** original px per kernel-map cell along x and y */
  strideX: number
  strideY: number
  /** blend weight along the window's x and y (tile-plan axisWeights) */
  weightX: Float32Array
  weightY: Float32Array
}

/** Accumulates weighted kernels and t̂ per region while tiles finish. */
export class RegionAccumulator {
  readonly grid: RegionGrid
  readonly #kernelSize: number
  readonly #kernels: Float64Array[]
  readonly #kernelWeight: Float64Array
  readonly #tSum: Float64Array
  readonly #tWeight: Float64Array

  constructor(
    readonly width: number,
    readonly height: number,
    grid: number,
    kernelSize: number,
  ) {
    this.grid = regionGrid(width, height, grid)
    this.#kernelSize = kernelSize
    const n = this.grid.boxes.length
    this.#kernels = Array.from({ length: n }, () => new Float64Array(kernelSize * kernelSize))
    this.#kernelWeight = new Float64Array(n)
    this.#tSum = new Float64Array(n)
    this.#tWeight = new Float64Array(n)
  }

  /** Regions overlapped by [x0, x1) × [y0, y1), with the overlap area of each. */
  #overlaps(x0: number, x1: number, y0: number, y1: number, visit: (region: number, dx: number, dy: number) => void): void {
    const { xs, ys, cols, rows } = this.grid
    for (let r = 0; r < rows; r++) {
      const dy = Math.min(y1, ys[r + 1]!) - Math.max(y0, ys[r]!)
      if (dy <= 0) continue
      for (let c = 0; c < cols; c++) {
        const dx = Math.min(x1, xs[c + 1]!) - Math.max(x0, xs[c]!)
        if (dx > 0) visit(r * cols + c, dx, dy)
      }
    }
  }

  /** Each cell's kernel counts in every region it overlaps, by overlap area × blend weight. */
  addKernelMap(p: KernelMapPlacement): void {
    const taps = this.#kernelSize * this.#kernelSize
    const plane = p.h * p.w
    if (p.data.length !== taps * plane) throw new RangeError(`kernel_map has ${p.data.length} values, expected ${taps}×${p.h}×${p.w}`)
    for (let cy = 0; cy < p.h; cy++) {
      const y0 = p.window.y + cy * p.strideY
      const y1 = Math.min(y0 + p.strideY, this.height)
      if (y1 <= y0) continue
      const wy = p.weightY[Math.min(p.weightY.length - 1, Math.floor((cy + 0.5) * p.strideY))]!
      for (let cx = 0; cx < p.w; cx++) {
        const x0 = p.window.x + cx * p.strideX
        const x1 = Math.min(x0 + p.strideX, this.width)
        if (x1 <= x0) continue
        const w = wy * p.weightX[Math.min(p.weightX.length - 1, Math.floor((cx + 0.5) * p.strideX))]!
        const cell = cy * p.w + cx
        this.#overlaps(x0, x1, y0, y1, (region, dx, dy) => {
          const weight = w * dx * dy
          const kernel = this.#kernels[region]!
          for (let k = 0; k < taps; k++) kernel[k]! += weight * p.data[k * plane + cell]!
          this.#kernelWeight[region]! += weight
        })
      }
    }
  }

  /** A tile's t̂ counts in each region by the sum of its blend weights there. */
  addTimestep(tHat: number, window: Box, weightX: Float32Array, weightY: Float32Array): void {
    const { xs, ys, cols, rows } = this.grid
    for (let r = 0; r < rows; r++) {
      const sy = sumRange(weightY, ys[r]! - window.y, ys[r + 1]! - window.y)
      if (sy <= 0) continue
      for (let c = 0; c < cols; c++) {
        const sx = sumRange(weightX, xs[c]! - window.x, xs[c + 1]! - window.x)
        if (sx <= 0) continue
        this.#tSum[r * cols + c]! += sx * sy * tHat
        this.#tWeight[r * cols + c]! += sx * sy
      }
    }
  }

  finish(meta: Omit<PhotoAnalysis, 'width' | 'height' | 'cols' | 'rows' | 'regions'>, fallbackT: number): PhotoAnalysis {
    const regions: RegionAnalysis[] = this.grid.boxes.map((box, i) => {
      const weight = this.#kernelWeight[i]!
      const kernel = Array.from(this.#kernels[i]!, (v) => (weight > 0 ? v / weight : 0))
      const tWeight = this.#tWeight[i]!
      return {
        box,
        tHat: tWeight > 0 ? Math.round(this.#tSum[i]! / tWeight) : fallbackT,
        kernel: summarizeKernel(kernel, this.#kernelSize, meta.kernelPixelScale),
      }
    })
    return { width: this.width, height: this.height, cols: this.grid.cols, rows: this.grid.rows, regions, ...meta }
  }
}

function sumRange(values: Float32Array, from: number, to: number): number {
  let s = 0
  for (let i = Math.max(0, from); i < Math.min(values.length, to); i++) s += values[i]!
  return s
}
