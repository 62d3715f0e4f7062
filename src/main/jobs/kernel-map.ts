/**
 * The one kernel-map export, used by a batch photo's optional sidecar (issue 5 §2) and by the
 * editor's "Export Kernel Map…" (issue 4 §4): a PNG with each region's estimated m × m blur
 * kernel drawn in place (seed §C, module M), and a JSON sidecar with per-region t̂, kernel
 * taps, direction and length in original-image pixels. Engine- and Electron-free.
 */
import { parse, join, basename, resolve } from 'node:path'
import type { PhotoAnalysis, PixelBuffer, TileReport } from '../../shared/domain.ts'
import { encodePhoto } from '../images/index.ts'
import { removeStaleTemps, writeFileAtomic } from './atomic-file.ts'

export const KERNEL_MAP_SCHEMA_ID = 'fidediff-kernel-map/1'
/** screen pixels per kernel tap in the PNG: a 19×19 kernel becomes a 76 px glyph */
const TAP_PX = 4
const GAP_PX = 1
const GRID_GREY = 64

export function kernelMapPaths(output: string): { png: string; json: string } {
  const { dir, name } = parse(output)
  return { png: join(dir, `${name}.kernels.png`), json: join(dir, `${name}.kernels.json`) }
}

/** Kernels on a black canvas, one cell per region, each scaled to its own peak so shape shows. */
export function renderKernelMap(analysis: PhotoAnalysis): PixelBuffer {
  const m = analysis.regions[0]?.kernel.size ?? 1
  const cell = m * TAP_PX
  const width = analysis.cols * (cell + GAP_PX) + GAP_PX
  const height = analysis.rows * (cell + GAP_PX) + GAP_PX
  const data = new Uint8Array(width * height * 3).fill(GRID_GREY)
  analysis.regions.forEach((region, i) => {
    const col = i % analysis.cols
    const row = Math.floor(i / analysis.cols)
    const x0 = GAP_PX + col * (cell + GAP_PX)
    const y0 = GAP_PX + row * (cell + GAP_PX)
    const taps = region.kernel.taps
    const peak = Math.max(...taps) || 1
    for (let ty = 0; ty < m; ty++)
      for (let tx = 0; tx < m; tx++) {
        const v = Math.round((255 * (taps[ty * m + tx] ?? 0)) / peak)
        for (let dy = 0; dy < TAP_PX; dy++)
          for (let dx = 0; dx < TAP_PX; dx++) {
            const o = ((y0 + ty * TAP_PX + dy) * width + x0 + tx * TAP_PX + dx) * 3
            data[o] = data[o + 1] = data[o + 2] = v
          }
      }
  })
  return { width, height, channels: 3, bitDepth: 8, data }
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits))

export interface KernelMapTargets {
  /** the photo the kernels were estimated on */
  input: string
  /** the deblurred photo written with it (batch), or null (the editor exports the map alone) */
  output: string | null
  png: string
  json: string
}

/** `tiles`: the timesteps each tile ran at, or null when only the estimator ran. */
export function kernelSidecar(
  analysis: PhotoAnalysis,
  tiles: readonly TileReport[] | null,
  paths: Omit<KernelMapTargets, 'json'>,
): Record<string, unknown> {
  const m = analysis.regions[0]?.kernel.size ?? 0
  return {
    schema: KERNEL_MAP_SCHEMA_ID,
    input: paths.input,
    output: paths.output === null ? null : basename(paths.output),
    image: { file: basename(paths.png), cellPx: m * TAP_PX, gapPx: GAP_PX, tapPx: TAP_PX },
    model: analysis.model,
    provider: analysis.provider,
    width: analysis.width,
    height: analysis.height,
    cols: analysis.cols,
    rows: analysis.rows,
    kernelSize: m,
    kernelPixelScale: analysis.kernelPixelScale,
    timestepRange: analysis.timestepRange,
    regions: analysis.regions.map((r) => ({
      box: r.box,
      tHat: r.tHat,
      directionDeg: round(r.kernel.directionDeg, 2),
      lengthPx: round(r.kernel.lengthPx, 2),
      kernel: r.kernel.taps.map((t) => round(t, 7)),
    })),
    tiles: tiles === null ? null : tiles.map((t) => ({ box: t.box, tHat: t.tHat, tUsed: t.tUsed })),
  }
}

/**
 * Writes the PNG and the JSON sidecar, each atomically (temp + rename; temps a killed earlier
 * run left are removed first). `inputPaths` are photos neither file may replace.
 */
export async function writeKernelMap(
  analysis: PhotoAnalysis,
  tiles: readonly TileReport[] | null,
  targets: KernelMapTargets,
  inputPaths: readonly string[],
): Promise<{ png: string; json: string }> {
  const { png, json } = targets
  if (png === json) throw new Error(`${png}: the kernel map's PNG and JSON need different file names`)
  if (inputPaths.some((p) => resolve(p) === resolve(json))) throw new Error(`${json}: refusing to write the kernel map over a photo`)
  await removeStaleTemps(png)
  await encodePhoto(renderKernelMap(analysis), { orientation: 1 }, png, { format: 'png', keepMetadata: false, inputPaths: [...inputPaths] })
  await removeStaleTemps(json)
  // compact JSON: m² taps per region
  await writeFileAtomic(json, JSON.stringify(kernelSidecar(analysis, tiles, targets)) + '\n')
  return { png, json }
}
