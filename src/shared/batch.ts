/**
 * The plain data of a batch (issue 5) as it crosses IPC: each file's state, the batch's
 * progress, and the output options the Batch panel sends. The queue in src/main/jobs uses these
 * same types, so an event reaches the renderer unchanged. No zod here (the renderer bundle
 * imports this file); the schemas live in ipc-contract.ts.
 */
import type { ExportFormat } from './editor-defaults.ts'
import type { ProviderName } from './domain.ts'

export const COLLISION_POLICIES = ['skip', 'overwrite', 'number'] as const
/** What to do when an output name is already taken on disk (never by an input). */
export type CollisionPolicy = (typeof COLLISION_POLICIES)[number]

export const FILE_STATUSES = ['queued', 'running', 'done', 'failed', 'skipped', 'cancelled'] as const
export type FileStatus = (typeof FILE_STATUSES)[number]
export const FINAL_STATUSES: readonly FileStatus[] = ['done', 'failed', 'skipped', 'cancelled']

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

/** Output format of a batch: the input's own, or one for all. */
export type BatchFormat = 'same' | ExportFormat

/** The output options the Batch panel offers (the queue's OutputOptions, as plain data). */
export interface BatchOutputOptions {
  /** null: each output beside its input; otherwise a folder chosen in the folder dialog */
  dir: string | null
  format: BatchFormat
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

export const DEFAULT_BATCH_OUTPUT: BatchOutputOptions = {
  dir: null,
  format: 'same',
  nameTemplate: '{name}_deblurred',
  collision: 'number',
  keepMetadata: true,
  kernelMap: false,
}
