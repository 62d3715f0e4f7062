/**
 * Batch jobs shared by the app and the CLI (issue 5). Electron-free: the app's IPC layer
 * forwards BatchQueue events to the renderer, the CLI prints them.
 */
export { BatchQueue, batchSettingsKey, type BatchState } from './batch-queue.ts'
export type {
  BatchEvents, BatchFileState, BatchInput, BatchOptions, BatchProgress, CollisionPolicy, FileStatus, FormatChoice,
  OutputOptions, PauseReason, Shard,
} from './batch-types.ts'
export { COLLISION_POLICIES, FINAL_STATUSES } from './batch-types.ts'
export { batchOptionsSchema, checkBatchSettings, defaultOutputOptions, outputOptionsSchema, parseBatchOptions } from './batch-options.ts'
export {
  batchReportSchema, buildReport, mergeReports, readReport, reportToCsv, writeReport, REPORT_SCHEMA_ID,
  type BatchReport, type ReportRow, type ReportTotals,
} from './batch-report.ts'
export { expandInputs, type ExpandedInputs, type InputProblem } from './expand-inputs.ts'
export { BatchJournal, JOURNAL_PREFIX, journalFileName, sha256File } from './journal.ts'
export { kernelMapPaths, renderKernelMap, kernelSidecar, writeKernelMap, KERNEL_MAP_SCHEMA_ID, type KernelMapTargets } from './kernel-map.ts'
export { DEFAULT_SUFFIX, DEFAULT_TEMPLATE, TEMPLATE_FIELDS, validateTemplate, renderTemplate, plannedOutputPath, resolveCollision } from './output-plan.ts'
export { DiskFullError, processPhoto, type PhotoOutcome } from './process-photo.ts'
export type { BatchAnalyzer, BatchEngine, BatchDeblurResult } from './batch-engine.ts'
export { formatDuration, progressBar, fileLine, summaryLine } from './progress-text.ts'
export { parseShard, formatShard, shardOf, selectShard } from './shard.ts'
export { writeFileAtomic, removeStaleTemps } from './atomic-file.ts'
