/**
 * Messages between the main process and its engine worker thread. onnxruntime-node runs
 * inference synchronously on the calling thread (its run() only defers with setImmediate),
 * so the engine lives in a worker: the main process's event loop stays free for the UI,
 * IPC and previews while tiles run (issue 4: "nothing freezes while it works").
 */
import type { Box, DeblurProgress, DeblurSettings, PhotoAnalysis, PixelBuffer, ProviderChoice, ProviderName, TileReport } from '../../shared/domain.ts'

export type EngineRequest =
  | { type: 'open'; id: number; modelDir: string; provider: ProviderChoice; threads?: number | undefined; tileWorkerEntry?: string | undefined }
  | { type: 'deblur'; id: number; image: PixelBuffer; settings: DeblurSettings; grid?: number }
  | { type: 'analyze'; id: number; image: PixelBuffer; grid?: number }
  | { type: 'region'; id: number; image: PixelBuffer; box: Box; settings: DeblurSettings }
  | { type: 'cancel'; id: number }
  | { type: 'dispose'; id: number }

export interface OpenedReply {
  provider: ProviderName
  providerNote: string | null
}
export interface DeblurReply {
  image: PixelBuffer
  tiles: TileReport[]
  analysis: PhotoAnalysis | null
  provider: ProviderName
  elapsedMs: number
}
export interface RegionReply {
  image: PixelBuffer
  box: Box
  tiles: TileReport[]
}

export type EngineReply =
  | { type: 'progress'; id: number; progress: DeblurProgress }
  | { type: 'done'; id: number; value: OpenedReply | DeblurReply | PhotoAnalysis | RegionReply | null }
  | { type: 'error'; id: number; name: string; message: string }
