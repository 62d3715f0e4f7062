/**
 * Reading tiles out of a PixelBuffer and blending results back into one. Memory stays bounded
 * by the tile size: the only float buffer spanning the image width is a band one tile row high.
 */
import type { Box, PixelBuffer } from '../../shared/domain.ts'

export function maxValue(image: PixelBuffer): number {
  return image.bitDepth === 16 ? 65535 : 255
}

/** A clear error for a PixelBuffer whose fields disagree, before any work starts. */
export function checkPixelBuffer(image: PixelBuffer): void {
  const { width, height, channels, bitDepth, data } = image
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new Error(`image size ${width}×${height} is not a positive integer size`)
  if (channels !== 3 && channels !== 4) throw new Error(`image has ${String(channels)} channels; RGB or RGBA expected`)
  if (bitDepth === 8 ? !(data instanceof Uint8Array) : bitDepth === 16 ? !(data instanceof Uint16Array) : true)
    throw new Error(`image bit depth ${String(bitDepth)} does not match its ${data.constructor.name} pixels`)
  if (data.length !== width * height * channels)
    throw new Error(`image data has ${data.length} values, expected ${width}×${height}×${channels}`)
}

/**
 * RGB of `box` as planar float [3, h, w] in [0, 1]; coordinates outside the image are clamped
 * to the nearest edge pixel (padding for windows past the border and resampling margins).
 */
export function readPlanarRgb(image: PixelBuffer, box: Box): Float32Array {
  const { width, height, channels, data } = image
  const scale = 1 / maxValue(image)
  const plane = box.width * box.height
  const out = new Float32Array(3 * plane)
  for (let y = 0; y < box.height; y++) {
    const sy = Math.min(Math.max(box.y + y, 0), height - 1)
    for (let x = 0; x < box.width; x++) {
      const sx = Math.min(Math.max(box.x + x, 0), width - 1)
      const src = (sy * width + sx) * channels
      const dst = y * box.width + x
      out[dst] = data[src]! * scale
      out[plane + dst] = data[src + 1]! * scale
      out[2 * plane + dst] = data[src + 2]! * scale
    }
  }
  return out
}

/** Crop [c, h, w] planar to `box` (in that array's coordinates). */
export function cropPlanar(src: Float32Array, channels: number, width: number, height: number, box: Box): Float32Array {
  const out = new Float32Array(channels * box.width * box.height)
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < box.height; y++) {
      const from = (c * height + box.y + y) * width + box.x
      out.set(src.subarray(from, from + box.width), (c * box.height + y) * box.width)
    }
  return out
}

/**
 * Weighted sums of tile results for the image rows [start, end). Rows above the next band's
 * start are final once every tile that covers them has been added; they are written out then.
 */
export class BlendBand {
  #start = 0
  #end = 0
  #sum = new Float32Array(0)
  #weight = new Float32Array(0)

  constructor(
    private readonly source: PixelBuffer,
    private readonly output: PixelBuffer,
  ) {}

  /** Move the band to rows [start, end): rows before `start` are written out, overlapping rows carried over. */
  moveTo(start: number, end: number): void {
    const width = this.source.width
    this.#writeRows(this.#start, Math.min(start, this.#end))
    const sum = new Float32Array(3 * (end - start) * width)
    const weight = new Float32Array((end - start) * width)
    const keepFrom = Math.max(start, this.#start)
    const keepTo = Math.min(end, this.#end)
    if (keepTo > keepFrom) {
      const rows = keepTo - keepFrom
      const from = (keepFrom - this.#start) * width
      const to = (keepFrom - start) * width
      weight.set(this.#weight.subarray(from, from + rows * width), to)
      const oldPlane = (this.#end - this.#start) * width
      const newPlane = (end - start) * width
      for (let c = 0; c < 3; c++) sum.set(this.#sum.subarray(c * oldPlane + from, c * oldPlane + from + rows * width), c * newPlane + to)
    }
    this.#start = start
    this.#end = end
    this.#sum = sum
    this.#weight = weight
  }

  /** Add a tile result [3, window.h, window.w] with separable weights; parts outside the image are dropped. */
  add(result: Float32Array, window: Box, weightX: Float32Array, weightY: Float32Array): void {
    const width = this.source.width
    const plane = (this.#end - this.#start) * width
    const resultPlane = window.width * window.height
    const x1 = Math.min(window.x + window.width, width)
    const y0 = Math.max(window.y, this.#start)
    const y1 = Math.min(window.y + window.height, this.#end)
    for (let y = y0; y < y1; y++) {
      const ty = y - window.y
      const wy = weightY[ty]!
      const row = (y - this.#start) * width
      for (let x = window.x; x < x1; x++) {
        const tx = x - window.x
        const w = wy * weightX[tx]!
        const at = row + x
        const src = ty * window.width + tx
        this.#weight[at]! += w
        for (let c = 0; c < 3; c++) this.#sum[c * plane + at]! += w * Math.min(1, Math.max(0, result[c * resultPlane + src]!))
      }
    }
  }

  /** Write out every row still in the band. */
  finish(): void {
    this.#writeRows(this.#start, this.#end)
    this.#start = this.#end
  }

  #writeRows(from: number, to: number): void {
    const { width, channels } = this.source
    const max = maxValue(this.source)
    const plane = (this.#end - this.#start) * width
    const out = this.output.data
    const src = this.source.data
    for (let y = from; y < to; y++) {
      const row = (y - this.#start) * width
      for (let x = 0; x < width; x++) {
        const at = row + x
        const w = this.#weight[at]!
        const px = (y * width + x) * channels
        for (let c = 0; c < 3; c++) {
          const v = w > 0 ? this.#sum[c * plane + at]! / w : 0
          out[px + c] = Math.round(Math.min(1, Math.max(0, v)) * max)
        }
        if (channels === 4) out[px + 3] = src[px + 3]! // alpha passes through untouched
      }
    }
  }
}
