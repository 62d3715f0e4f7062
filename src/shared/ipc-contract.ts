/**
 * The one typed IPC contract (STYLE.md habit 2): command channel → request schema → response
 * type, event channel → payload type. Main registers every handler from `commands` through
 * handle(); the preload builds window.api from src/shared/ipc-channels.ts; the renderer sees
 * the `Api` type below. Plain data only: everything here is structured-clone safe.
 */
import { z } from 'zod'
import { PROVIDER_CHOICES } from './domain.ts'
import type { Box, DeblurProgress, PhotoAnalysis, ProviderName, TileReport } from './domain.ts'
import type { BATCH_DROP_CHANNEL, COMMAND_METHODS, EVENT_METHODS, DROP_CHANNEL, MenuCommand } from './ipc-channels.ts'
import { COLLISION_POLICIES, type BatchFileState, type BatchProgress, type PauseReason } from './batch.ts'

import { EXPORT_FORMATS } from './editor-defaults.ts'

export { EXPORT_FORMATS, DEFAULT_SETTINGS, type ExportFormat } from './editor-defaults.ts'

const overlaySchema = z.object({
  visible: z.boolean(),
  opacity: z.number().min(0).max(1),
})

/** Everything the user can set and expects to find again after a restart. */
export const settingsSchema = z.object({
  provider: z.enum(PROVIDER_CHOICES),
  /** id of the model that restores; null = the first fidediff model (main checks it is installed) */
  model: z.string().max(100).regex(/^[a-z0-9][a-z0-9._-]*$/, 'model id expected').nullable(),
  /** 'auto' = predicted t̂ per tile; a number = the user's fixed t */
  t: z.union([z.literal('auto'), z.number().int().min(0).max(999)]),
  /** seed §A: fixed offset that corrects a systematic bias of t̂ */
  tOffset: z.number().int().min(-300).max(300),
  /** tile edge in model-input pixels; null = the model's default */
  tileSize: z.number().int().min(64).max(2048).nullable(),
  /** seed §A: ×2 upsampling before the VAE (off = faster, less detail) */
  upscale2x: z.boolean(),
  overlays: z.object({ heatmap: overlaySchema, kernels: overlaySchema }),
  export: z.object({
    format: z.enum(EXPORT_FORMATS),
    quality: z.number().int().min(1).max(100),
    keepMetadata: z.boolean(),
  }),
})
export type Settings = z.infer<typeof settingsSchema>
export const settingsPatchSchema = settingsSchema.partial().strict()
export type SettingsPatch = z.infer<typeof settingsPatchSchema>

const token = z.string().regex(/^[0-9a-f]{32}$/, 'photo token expected')
const jobId = z.string().regex(/^job-[0-9]+$/, 'job id expected')
/** A file path as the OS gives it; whether it may be used is decided by the path grants. */
const filePath = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'path contains a NUL byte')
const boxSchema = z.object({
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
})
export const deblurOptionsSchema = settingsSchema.pick({ t: true, tOffset: true, tileSize: true, upscale2x: true })
export type DeblurOptions = z.infer<typeof deblurOptionsSchema>

export interface ModelInfo {
  id: string
  name: string
  kind: 'fidediff' | 'image-to-image'
  /** the weights' licence and attribution, shown beside the model picker */
  license: { spdx: string; attribution: string | null; url: string | null }
  /** the one tile edge a fixed-input-size model runs (MAXIM-3S: 256); null = tile size and ×2 are free */
  fixedTile: number | null
}
export interface AppInfo {
  version: string
  platform: string
  /** the model that restores (Settings.model, or the default) */
  restorer: ModelInfo | null
  /** the fidediff model whose estimator gives t̂ and kernels: the restorer itself when it is fidediff */
  analyzer: ModelInfo | null
  /** every installed model, for the picker */
  models: ModelInfo[]
  /** how to get a model that is not installed (npm run models:maxim) */
  modelHints: string[]
  /** why a model folder was refused, or why no model is loaded */
  modelProblems: string[]
  /** providers this machine's onnxruntime build lists */
  providers: ProviderName[]
  /** the provider that actually runs, once the engine is open */
  activeProvider: ProviderName | null
  providerNote: string | null
}
export interface PhotoInfo {
  token: string
  path: string
  name: string
  width: number
  height: number
  format: string
  bitDepth: 8 | 16
  channels: 3 | 4
  iccDescription: string | null
  hasExif: boolean
}
export interface RecentEntry {
  path: string
  name: string
  openedAt: string
}

export type JobKind = 'deblur' | 'analyze' | 'region'
export type JobResult =
  | { kind: 'deblur'; analysis: PhotoAnalysis | null; tiles: TileReport[]; provider: ProviderName; elapsedMs: number; version: number }
  | { kind: 'analyze'; analysis: PhotoAnalysis }
  | { kind: 'region'; box: Box; tiles: TileReport[]; elapsedMs: number; version: number }
export interface JobProgressEvent {
  jobId: string
  token: string
  kind: JobKind
  progress: DeblurProgress
}
/** Exactly one per job (STYLE.md habit 3). */
export type JobFinishedEvent = { jobId: string; token: string; kind: JobKind } & (
  | { status: 'done'; result: JobResult }
  | { status: 'cancelled' }
  | { status: 'failed'; error: string }
)

/**
 * The Batch panel's output options. Only their shape is checked here; the queue's own rules
 * (quality range, the name template's fields) are applied by parseBatchOptions in main, the
 * same function that checks the CLI's flags.
 */
export const batchOutputSchema = z
  .object({
    dir: filePath.nullable(),
    format: z.enum(['same', ...EXPORT_FORMATS]),
    quality: z.number().int().optional(),
    bitDepth: z.union([z.literal(8), z.literal(16)]).optional(),
    nameTemplate: z.string().min(1).max(255),
    collision: z.enum(COLLISION_POLICIES),
    keepMetadata: z.boolean(),
    kernelMap: z.boolean(),
  })
  .strict()
const batchId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'batch id expected')
/** files and folders; 1000 at most per call (a drop of a whole disk's top level still fits) */
const pathList = z.array(filePath).min(1).max(1000)

export interface BatchAddResult {
  /** photos queued by this call */
  added: number
  /** paths that could not be read (they are also in the queue as failed files) */
  problems: { path: string; reason: string }[]
}
export interface BatchFileProgressEvent {
  batchId: string
  index: number
  done: number
  total: number
  elapsedMs: number
  etaMs: number
}
/** Exactly one per batch. */
export interface BatchFinishedEvent {
  batchId: string
  outcome: 'completed' | 'cancelled'
  progress: BatchProgress
}

/** A command: its request schema and (type-only) response. */
interface Command<Req extends z.ZodType, Res> {
  request: Req
  response: (value: Res) => Res
}
function command<Res>() {
  return <Req extends z.ZodType>(request: Req): Command<Req, Res> => ({ request, response: (v) => v })
}
const none = z.undefined()

export const commands = {
  'app:info': command<AppInfo>()(none),
  'settings:get': command<Settings>()(none),
  'settings:update': command<Settings>()(settingsPatchSchema),
  'recent:list': command<RecentEntry[]>()(none),
  'recent:clear': command<RecentEntry[]>()(none),
  'dialog:openPhoto': command<string | null>()(none),
  'dialog:exportPhoto': command<string | null>()(z.object({ suggestedName: z.string().min(1).max(255), format: z.enum(EXPORT_FORMATS) })),
  'dialog:exportKernelMap': command<string | null>()(z.object({ suggestedName: z.string().min(1).max(255) })),
  'photo:open': command<PhotoInfo>()(z.object({ path: filePath })),
  'photo:openDropped': command<PhotoInfo>()(z.object({ path: filePath })),
  'photo:close': command<boolean>()(z.object({ token })),
  'photo:analyze': command<{ jobId: string }>()(z.object({ token, grid: z.number().int().min(1).max(64).optional() })),
  'photo:deblur': command<{ jobId: string }>()(z.object({ token, options: deblurOptionsSchema })),
  'photo:deblurRegion': command<{ jobId: string }>()(z.object({ token, box: boxSchema, options: deblurOptionsSchema })),
  'job:cancel': command<boolean>()(z.object({ jobId })),
  'photo:export': command<{ path: string }>()(
    z.object({
      token,
      path: filePath,
      format: z.enum(EXPORT_FORMATS),
      quality: z.number().int().min(1).max(100),
      keepMetadata: z.boolean(),
    }),
  ),
  'kernelMap:export': command<{ png: string; json: string }>()(z.object({ token, path: filePath })),
  'dialog:batchFolders': command<string[]>()(none),
  'dialog:batchOutput': command<string | null>()(none),
  'batch:grantDropped': command<string[]>()(z.object({ paths: pathList })),
  'batch:create': command<{ batchId: string }>()(z.object({ output: batchOutputSchema, recursive: z.boolean(), deblur: deblurOptionsSchema })),
  'batch:add': command<BatchAddResult>()(z.object({ batchId, paths: pathList })),
  'batch:start': command<boolean>()(z.object({ batchId })),
  'batch:pause': command<boolean>()(z.object({ batchId })),
  'batch:resume': command<boolean>()(z.object({ batchId })),
  'batch:cancel': command<boolean>()(z.object({ batchId })),
  /** shows the output folder in the file manager; returns the path shown */
  'batch:showOutput': command<string>()(z.object({ batchId })),
} as const

export type CommandName = keyof typeof commands
export type CommandRequest<C extends CommandName> = z.infer<(typeof commands)[C]['request']>
export type CommandResponse<C extends CommandName> = ReturnType<(typeof commands)[C]['response']>

export interface EventPayloads {
  'job:progress': JobProgressEvent
  'job:finished': JobFinishedEvent
  'menu:command': MenuCommand
  'photo:openRequested': { path: string }
  /** a file was queued, started or reached its final status (exactly one final per file) */
  'batch:file': { batchId: string; file: BatchFileState }
  'batch:fileProgress': BatchFileProgressEvent
  'batch:progress': BatchProgress
  'batch:paused': { batchId: string; reason: PauseReason; message: string }
  'batch:resumed': { batchId: string }
  'batch:finished': BatchFinishedEvent
}
export type EventName = keyof EventPayloads

type CommandFn<C extends CommandName> =
  CommandRequest<C> extends undefined ? () => Promise<CommandResponse<C>> : (request: CommandRequest<C>) => Promise<CommandResponse<C>>

/** What window.api offers the renderer: named functions only (SECURITY.md #20). */
export type Api = { [M in keyof typeof COMMAND_METHODS]: CommandFn<(typeof COMMAND_METHODS)[M]> } & {
  [M in keyof typeof EVENT_METHODS]: (listener: (payload: EventPayloads[(typeof EVENT_METHODS)[M]]) => void) => () => void
} & {
  /** `file` is a DOM File; the preload turns it into a path (typed loosely: src/shared has no DOM) */
  openDroppedFile(file: unknown): Promise<PhotoInfo>
  /** dropped DOM Files (folders or photos) → their paths, granted for a batch */
  grantDroppedToBatch(files: readonly unknown[]): Promise<string[]>
}

// compile-time checks: the channel allowlist and the contract name the same commands and events
type Missing<A, B> = Exclude<A, B> extends never ? true : { missing: Exclude<A, B> }
const channelsMatch: [
  Missing<(typeof COMMAND_METHODS)[keyof typeof COMMAND_METHODS] | typeof DROP_CHANNEL | typeof BATCH_DROP_CHANNEL, CommandName>,
  Missing<CommandName, (typeof COMMAND_METHODS)[keyof typeof COMMAND_METHODS] | typeof DROP_CHANNEL | typeof BATCH_DROP_CHANNEL>,
  Missing<(typeof EVENT_METHODS)[keyof typeof EVENT_METHODS], EventName>,
  Missing<EventName, (typeof EVENT_METHODS)[keyof typeof EVENT_METHODS]>,
] = [true, true, true, true]
void channelsMatch
