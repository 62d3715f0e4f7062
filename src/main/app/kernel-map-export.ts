/**
 * The editor's "Export Kernel Map…": the user picks `map.png` in a save dialog and gets the
 * PNG plus `map.json` beside it. The drawing and the JSON format are the batch sidecar's own
 * (src/main/jobs/kernel-map.ts), so a map exported from the editor and one written by a batch
 * or the CLI read the same way.
 */
import { extname } from 'node:path'
import type { PhotoAnalysis } from '../../shared/domain.ts'
import { writeKernelMap } from '../jobs/kernel-map.ts'

/** The JSON sidecar's path for a chosen PNG path: `map.png` → `map.json`. */
export function sidecarPath(pngPath: string): string {
  return pngPath.slice(0, pngPath.length - extname(pngPath).length) + '.json'
}

export async function exportKernelMap(analysis: PhotoAnalysis, photoPath: string, pngPath: string): Promise<{ png: string; json: string }> {
  const json = sidecarPath(pngPath)
  if (json === pngPath) throw new Error(`${pngPath}: the kernel map needs a .png file name`)
  // only the estimator's per-region view is kept with the open photo, not the tiles' t
  return writeKernelMap(analysis, null, { input: photoPath, output: null, png: pngPath, json }, [photoPath])
}
