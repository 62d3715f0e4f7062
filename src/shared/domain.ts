/**
 * Domain types shared by the engine, the CLI, the jobs, IPC and the renderer.
 * Plain data only (structured-clone safe): no Node, Electron or DOM types.
 */

/** A rectangle in original-image pixels (after EXIF orientation). */
export interface Box {
  x: number
  y: number
  width: number
  height: number
}

export const PROVIDER_CHOICES = ['auto', 'cpu', 'cuda', 'dml', 'coreml'] as const
export type ProviderChoice = (typeof PROVIDER_CHOICES)[number]
/** An execution provider that actually runs a session. */
export type ProviderName = Exclude<ProviderChoice, 'auto'>

/** How the user wants a photo restored. */
export interface DeblurSettings {
  /** 'auto' uses the predicted t̂ per tile; a number fixes t for every tile */
  t: 'auto' | number
  /** added to t̂ or to the fixed t (seed §A: corrects a systematic bias, e.g. dark scenes) */
  tOffset: number
  /** tile edge in model-input pixels; undefined = the manifest's */
  tile?: number
  /** upsampling factor before the model; undefined = the manifest's */
  upscale?: number
}

/** One m × m blur kernel summarised for display. */
export interface KernelSummary {
  /** m */
  size: number
  /** m × m taps, row-major, non-negative, summing to 1 */
  taps: number[]
  /** principal direction of the blur in degrees, [0, 180), 0 = horizontal, counter-clockwise */
  directionDeg: number
  /** blur length along the principal direction in original-image pixels */
  lengthPx: number
}

/** What the estimator found in one region of the photo. */
export interface RegionAnalysis {
  box: Box
  /** predicted timestep t̂ (blur level) of the region */
  tHat: number
  kernel: KernelSummary
}

export interface PhotoAnalysis {
  width: number
  height: number
  /** regions row by row, `cols` × `rows` of them */
  cols: number
  rows: number
  regions: RegionAnalysis[]
  /** original-image pixels per kernel tap, so kernels can be drawn to scale */
  kernelPixelScale: number
  /** the manifest's timestep range, for the legend */
  timestepRange: { min: number; max: number }
  model: string
  provider: ProviderName
}

/** One tile of a deblur, in original-image pixels (without overlap). */
export interface TileReport {
  index: number
  box: Box
  /** predicted t̂; null for image-to-image models */
  tHat: number | null
  /** the timestep the restorer ran at; null for image-to-image models */
  tUsed: number | null
}

export interface DeblurProgress {
  /** tiles finished so far (1-based after the first tile) */
  done: number
  total: number
  tile: TileReport
  elapsedMs: number
  /** estimated time left, from the mean time per tile so far */
  etaMs: number
}

/**
 * Decoded pixels, interleaved (RGB or RGBA), oriented upright, in the sRGB working space.
 * 8-bit photos use Uint8Array, 16-bit ones Uint16Array; the model only ever sees RGB and
 * alpha is carried through untouched.
 */
export interface PixelBuffer {
  width: number
  height: number
  channels: 3 | 4
  bitDepth: 8 | 16
  data: Uint8Array | Uint16Array
}
