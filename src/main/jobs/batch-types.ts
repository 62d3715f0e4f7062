/**
 * Types of a batch: what the user asked for, the state of each file, and the typed events the
 * app (IPC) and the CLI listen to. Plain data only, so events cross IPC unchanged.
 */
import type { DeblurSettings, ProviderName } from '../../shared/domain.ts'
import type { OutputFormat } from '../images/index.ts'
import type { BatchReport } from './batch-report.ts'

export const COLLISION_POLICIES = ['skip', 'overwrite', 'number'] as const
/** What to do when an output name is already taken on disk (never by an input: see output-plan.ts). */
export type CollisionPolicy = (typeof COLLISION_POLICIES)[number]

export type FormatChoice = 'same' | OutputFormat

export interface OutputOptions {
  /** null: each output beside its input; otherwise below this folder, mirroring the input tree */
  dir: string | null
  format: FormatChoice
  /** 1..100; undefined = the format's default */
  quality?: number
  /** undefined = the source depth where the format allows it */
  bitDepth?: 8 | 16
  /** output file name without extension: {name} {ext} {t} {date} {model} */
  nameTemplate: string
  collision: CollisionPolicy
  /** keep EXIF/ICC/XMP */
  keepMetadata: boolean
  /** also write `<output>.kernels.png` and `<output>.kernels.json` (per region t̂ and kernel) */
  kernelMap: boolean
}

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

export type FileStatus = 'queued' | 'running' | 'done' | 'failed' | 'skipped' | 'cancelled'
export const FINAL_STATUSES: readonly FileStatus[] = ['done', 'failed', 'skipped', 'cancelled']

/** One photo found by expanding the user's files and folders. */
export interface BatchInput {
  /** absolute path */
  path: string
  /** the file or folder the user gave that this photo was found under (absolute) */
  root: string
  /** path relative to the root's folder, with '/' separators (the shard key) */
  relativePath: string
}

export interface BatchFileState {
  index: number
  input: string
  relativePath: string
  status: FileStatus
  output: string | null
  /** why a file failed or was skipped, in user words; null when done */
  reason: string | null
  /** 0..1 of the running file (tiles done / tiles) */
  progress: number
  /** time this file took (or has taken so far) in ms */
  elapsedMs: number
  provider: ProviderName | null
  /** mean and max predicted timestep over the tiles; null for image-to-image models */
  tHatMean: number | null
  tHatMax: number | null
  /** finished in an earlier run of the same batch, verified by the journal's hashes */
  resumed: boolean
}

export interface BatchProgress {
  batchId: string
  total: number
  /** files in a final state */
  finished: number
  counts: Record<FileStatus, number>
  /** 0..1 over all files, counting the running file's tiles */
  fraction: number
  /** running time, pauses excluded */
  elapsedMs: number
  /** estimated time left; null until one photo has made progress */
  etaMs: number | null
}

export type PauseReason = 'user' | 'no-space'

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
