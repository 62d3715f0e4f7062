/** Messages between the engine and its tile workers (tile-worker-pool.ts ↔ tile-worker.ts). */
import type { LoadedModel } from './load-model.ts'
import type { TensorValue } from './onnx-sessions.ts'
import type { TileSettings } from './tile-executor.ts'

export type TileWorkerRequest =
  /** the engine's own LoadedModel (already checked): workers run exactly what the engine runs */
  | { type: 'open'; model: LoadedModel; threads: number }
  | { type: 'run'; id: number; stageIds: string[]; image: TensorValue; settings: TileSettings; what: string }
  /** release the sessions and exit (sent once no tile is in flight) */
  | { type: 'close' }

export type TileWorkerReply =
  | { type: 'opened' }
  | { type: 'done'; id: number; tensors: [string, TensorValue][]; tHat: number | null; tUsed: number | null }
  | { type: 'error'; id: number; message: string }
  /** the worker could not open the model: it is of no use */
  | { type: 'failed'; message: string }
