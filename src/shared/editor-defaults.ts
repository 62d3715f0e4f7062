/**
 * Plain constants of the contract, kept apart from the zod schemas so the renderer bundle
 * does not carry the schema library just to know the defaults.
 */
import type { Settings } from './ipc-contract.ts'

export const EXPORT_FORMATS = ['jpeg', 'png', 'tiff', 'webp', 'avif'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export const DEFAULT_SETTINGS: Settings = {
  provider: 'auto',
  model: null,
  t: 'auto',
  tOffset: 0,
  tileSize: null,
  upscale2x: true,
  overlays: { heatmap: { visible: true, opacity: 0.55 }, kernels: { visible: true, opacity: 0.9 } },
  export: { format: 'jpeg', quality: 92, keepMetadata: true },
}
