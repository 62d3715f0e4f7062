/**
 * Export of a photo's kernel map: a PNG with each region's m×m kernel drawn in its place in
 * the region grid (what the glyph overlay shows, without the photo) and a JSON sidecar with
 * every region's box, t̂, kernel taps, direction and length in original-image pixels.
 */
import { basename, extname } from 'node:path'
import type { PhotoAnalysis, PixelBuffer } from '../../shared/domain.ts'
import { encodePhoto } from '../images/index.ts'
import { writeJsonFileAtomic } from './json-file.ts'

/** screen pixels per kernel tap in the PNG, and the gap between cells */
const TAP_PX = 4
const GAP_PX = 2

/** Grey-scale glyph grid: each kernel scaled to its own peak so faint long blurs stay visible. */
export function kernelGridPixels(analysis: PhotoAnalysis): PixelBuffer {
  const m = analysis.regions[0]?.kernel.size ?? 19
  const cell = m * TAP_PX + GAP_PX
  const width = analysis.cols * cell + GAP_PX
  const height = analysis.rows * cell + GAP_PX
  const data = new Uint8Array(width * height * 3).fill(24)
  analysis.regions.forEach((region, i) => {
    const col = i % analysis.cols
    const row = Math.floor(i / analysis.cols)
    const peak = Math.max(...region.kernel.taps, 1e-12)
    for (let ky = 0; ky < m; ky++)
      for (let kx = 0; kx < m; kx++) {
        const v = Math.round(255 * Math.min(1, (region.kernel.taps[ky * m + kx] ?? 0) / peak))
        for (let dy = 0; dy < TAP_PX; dy++)
          for (let dx = 0; dx < TAP_PX; dx++) {
            const x = GAP_PX + col * cell + kx * TAP_PX + dx
            const y = GAP_PX + row * cell + ky * TAP_PX + dy
            data.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3)
          }
      }
  })
  return { width, height, channels: 3, bitDepth: 8, data }
}

export function kernelMapJson(analysis: PhotoAnalysis, photoPath: string): object {
  return {
    photo: basename(photoPath),
    model: analysis.model,
    provider: analysis.provider,
    width: analysis.width,
    height: analysis.height,
    cols: analysis.cols,
    rows: analysis.rows,
    kernelPixelScale: analysis.kernelPixelScale,
    timestepRange: analysis.timestepRange,
    regions: analysis.regions.map((r) => ({
      box: r.box,
      tHat: r.tHat,
      directionDeg: Number(r.kernel.directionDeg.toFixed(2)),
      lengthPx: Number(r.kernel.lengthPx.toFixed(2)),
      kernel: { size: r.kernel.size, taps: r.kernel.taps.map((t) => Number(t.toPrecision(6))) },
    })),
  }
}

/** The JSON sidecar's path for a chosen PNG path: `map.png` → `map.json`. */
export function sidecarPath(pngPath: string): string {
  return pngPath.slice(0, pngPath.length - extname(pngPath).length) + '.json'
}

export async function exportKernelMap(
  analysis: PhotoAnalysis,
  photoPath: string,
  pngPath: string,
): Promise<{ png: string; json: string }> {
  const json = sidecarPath(pngPath)
  if (json === pngPath) throw new Error(`${pngPath}: the kernel map needs a .png file name`)
  if (json === photoPath) throw new Error(`${json}: refusing to write the kernel map over the photo`)
  await encodePhoto(kernelGridPixels(analysis), { orientation: 1 }, pngPath, {
    format: 'png',
    keepMetadata: false,
    inputPaths: [photoPath],
  })
  await writeJsonFileAtomic(json, kernelMapJson(analysis, photoPath))
  return { png: pngPath, json }
}
