/**
 * Where a tile's stages run. ONNX Runtime's run() blocks its thread, and on a CPU its
 * intra-op threads scale poorly on these small convolutions (bench/results/speed.md: 2
 * threads 10 % faster than 1), so on CPU several tiles run at once, one per worker thread,
 * each worker with its own sessions (tile-worker-pool.ts). On a GPU provider, or with one
 * worker, tiles run here on the engine's own sessions.
 */
import type { DeblurSettings } from '../../shared/domain.ts'
import type { ModelManifest, StageSpec } from '../../shared/model-manifest.ts'
import type { StageSessions, TensorValue } from './onnx-sessions.ts'
import { runStages, type StageRun } from './run-stages.ts'

export type TileSettings = Pick<DeblurSettings, 't' | 'tOffset'> | null

export interface TileExecutor {
  /** how many tiles may be in flight at once */
  readonly parallel: number
  run(stages: readonly StageSpec[], image: TensorValue, settings: TileSettings, signal: AbortSignal | undefined, what: string): Promise<StageRun>
  release(): Promise<void>
}

/** Tiles one after another on the engine's sessions. */
export class LocalTileExecutor implements TileExecutor {
  readonly parallel = 1

  constructor(
    private readonly sessions: StageSessions,
    private readonly manifest: ModelManifest,
  ) {}

  run(stages: readonly StageSpec[], image: TensorValue, settings: TileSettings, signal: AbortSignal | undefined, what: string): Promise<StageRun> {
    return runStages(this.sessions, this.manifest, stages, image, settings, signal, what)
  }

  release(): Promise<void> {
    return this.sessions.release()
  }
}
