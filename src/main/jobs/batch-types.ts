/**
 * Types of a batch: what the user asked for, the state of each file, and the typed events the
 * app (IPC) and the CLI listen to. Plain data only, so events cross IPC unchanged.
 */
import type { DeblurSettings } from '../../shared/domain.ts'
import type { BatchReport } from './batch-report.ts'
import { COLLISION_POLICIES, FINAL_STATUSES, type BatchFormat, type BatchOutputOptions, type BatchFileState, type BatchProgress, type CollisionPolicy, type FileStatus, type PauseReason } from '../../shared/batch.ts'

// the plain data that crosses IPC lives in src/shared so the renderer sees the same types
export { COLLISION_POLICIES, FINAL_STATUSES }
export type { BatchFileState, BatchProgress, CollisionPolicy, FileStatus, PauseReason }

/** The queue's output options are the Batch panel's, as plain data (src/shared/batch.ts). */
export type FormatChoice = BatchFormat
export type OutputOptions = BatchOutputOptions

export interface Shard {
  /** 1-based */
  index: number
  count: number
}

export interface BatchOptions {
  output: OutputOptions
  settings: DeblurSettings
  /** expand folders recursively */
  recursive: boolean
  /** regions along the long side of the kernel summary; undefined = the engine's default */
  grid?: number
  /** only the files of this shard (by a hash of the path relative to its input root) */
  shard?: Shard
  /** skip files the journal says are finished (verified by hash); default true */
  resume?: boolean
  /** decoder pixel limit; undefined = the photo module's default */
  pixelLimit?: number
}

/** One photo found by expanding the user's files and folders. */
export interface BatchInput {
  /** absolute path */
  path: string
  /** the file or folder the user gave that this photo was found under (absolute) */
  root: string
  /** path relative to the root's folder, with '/' separators (the shard key) */
  relativePath: string
}

export interface BatchEvents {
  /** a file was added to the queue (once per file) */
  'file-queued': { batchId: string; file: BatchFileState }
  'file-started': { batchId: string; file: BatchFileState }
  /** per tile of the running photo */
  'file-progress': { batchId: string; index: number; done: number; total: number; elapsedMs: number; etaMs: number }
  /** exactly once per file: done, failed, skipped or cancelled */
  'file-finished': { batchId: string; file: BatchFileState }
  progress: BatchProgress
  /** the batch holds before its next photo; 'no-space' puts the failed photo back first in line */
  paused: { batchId: string; reason: PauseReason; message: string; /** the full disk's output path */ path: string | null }
  resumed: { batchId: string }
  /** exactly once per batch */
  finished: { batchId: string; outcome: 'completed' | 'cancelled'; report: BatchReport }
}
