/**
 * The Batch panel's side of the main process (issue 5 §5), Electron-free: batches are the
 * shared BatchQueue (src/main/jobs) running on the app's engine worker, their typed events go
 * to the renderer as IPC events, and paths come only from the folder dialog or a drop
 * (SECURITY.md "Beyond Electron"). src/main/app/app-core.ts registers these as commands.
 */
import type { DeblurProgress, DeblurSettings, PhotoAnalysis, PixelBuffer, ProviderName } from '../../shared/domain.ts'
import type { BatchOutputOptions } from '../../shared/batch.ts'
import type { BatchAddResult, EventName, EventPayloads } from '../../shared/ipc-contract.ts'
import type { LoadedModel } from '../engine/index.ts'
import { BatchQueue, parseBatchOptions, type BatchAnalyzer, type BatchDeblurResult, type BatchEngine, type OutputOptions } from '../jobs/index.ts'
import type { EngineHost, EngineSelection } from './engine-host.ts'
import type { PathGrants } from './path-grants.ts'

// compile-time: the panel's output options are the queue's, field for field
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const panelOptionsMatch: Same<BatchOutputOptions, OutputOptions> = true
void panelOptionsMatch

export interface FolderDialogs {
  /** folders to deblur (several may be picked); [] when cancelled */
  chooseFolders(): Promise<string[]>
  /** the batch's output folder; null when cancelled */
  chooseOutputFolder(): Promise<string | null>
}

export interface BatchHost {
  grants: PathGrants
  engines: EngineHost
  /** the provider and model the user chose in the editor; the provider is read at each photo */
  selection(): EngineSelection
  dialogs: FolderDialogs
  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void
  /** the file manager, showing `path` in its folder (shell.showItemInFolder in Electron) */
  showItemInFolder(path: string): void
}

/** The batch's restoring model (fixed when it was created) on the provider chosen now. */
function pinned(host: BatchHost, restorer: LoadedModel): EngineSelection {
  return { provider: host.selection().provider, model: restorer.manifest.id }
}

/**
 * The engine a batch photo runs on: whichever engine the host has open for the user's provider
 * when the photo starts, so a provider change between photos does not strand the batch on a
 * closed worker. Every call goes to a RemoteEngine, i.e. the engine worker thread.
 */
class HostEngine implements BatchEngine {
  provider: ProviderName = 'cpu'

  constructor(
    readonly model: LoadedModel,
    private readonly host: BatchHost,
  ) {}

  async deblur(
    image: PixelBuffer,
    settings: DeblurSettings,
    options: { signal?: AbortSignal; onProgress?: (p: DeblurProgress) => void; grid?: number },
  ): Promise<BatchDeblurResult> {
    const engine = await this.host.engines.restorer(pinned(this.host, this.model))
    // a batch photo's pixels are not used again after deblur: move them to the worker, not copy
    const result = await engine.deblur(image, settings, { ...options, transferInput: true })
    this.provider = result.provider
    return result
  }
}

/** The fidediff estimator beside an image-to-image restorer, on its own engine worker. */
class HostAnalyzer implements BatchAnalyzer {
  constructor(
    readonly model: LoadedModel,
    private readonly restorer: LoadedModel,
    private readonly host: BatchHost,
  ) {}

  async analyze(image: PixelBuffer, options: { signal?: AbortSignal; grid?: number }): Promise<PhotoAnalysis> {
    const engine = await this.host.engines.analyzer(pinned(this.host, this.restorer))
    if (!engine) throw new Error('the fidediff model used for analysis is no longer available')
    return engine.analyze(image, options)
  }
}

interface Batch {
  queue: BatchQueue
  outputDir: string | null
  run: Promise<unknown> | null
}

export class BatchJobs {
  readonly #host: BatchHost
  readonly #batches = new Map<string, Batch>()

  constructor(host: BatchHost) {
    this.#host = host
  }

  async chooseFolders(): Promise<string[]> {
    const folders = await this.#host.dialogs.chooseFolders()
    return folders.map((f) => this.#host.grants.grantBatchInput(f, 'folder-dialog'))
  }

  async chooseOutputFolder(): Promise<string | null> {
    const folder = await this.#host.dialogs.chooseOutputFolder()
    return folder === null ? null : this.#host.grants.grantOutputFolder(folder)
  }

  /** The preload derived these paths from real dropped Files (webUtils.getPathForFile). */
  grantDropped(paths: readonly string[]): string[] {
    return paths.map((p) => this.#host.grants.grantBatchInput(p, 'drop'))
  }

  /** A new batch with `raw` options, checked by the CLI's own rules (parseBatchOptions). */
  async create(raw: unknown): Promise<{ batchId: string }> {
    const options = parseBatchOptions(raw)
    if (options.output.dir !== null) options.output.dir = this.#host.grants.requireOutputFolder(options.output.dir)
    const running = [...this.#batches.values()].find((b) => b.queue.state !== 'finished' && b.run !== null)
    if (running) throw new Error('a batch is still running: wait for it to finish or cancel it first')
    // opening the engines here reports a missing model or a failing provider before any photo
    const selection = this.#host.selection()
    const engine = await this.#host.engines.restorer(selection)
    const analyzer = engine.model.manifest.kind === 'fidediff' ? null : await this.#host.engines.analyzer(selection)
    const queue = new BatchQueue(new HostEngine(engine.model, this.#host), options, {
      analyzer: analyzer ? new HostAnalyzer(analyzer.model, engine.model, this.#host) : null,
    })
    for (const [id, old] of this.#batches) if (old.queue.state === 'finished' || old.run === null) this.#batches.delete(id)
    this.#batches.set(queue.id, { queue, outputDir: options.output.dir, run: null })
    this.#forwardEvents(queue)
    return { batchId: queue.id }
  }

  #forwardEvents(queue: BatchQueue): void {
    const { emit } = this.#host
    queue.on('file-queued', (e) => emit('batch:file', e))
    queue.on('file-started', (e) => emit('batch:file', e))
    queue.on('file-finished', (e) => emit('batch:file', e))
    queue.on('file-progress', (e) => emit('batch:fileProgress', e))
    queue.on('progress', (e) => emit('batch:progress', e))
    queue.on('paused', ({ batchId, reason, message }) => emit('batch:paused', { batchId, reason, message }))
    queue.on('resumed', (e) => emit('batch:resumed', e))
    queue.on('finished', ({ batchId, outcome }) => emit('batch:finished', { batchId, outcome, progress: queue.progress() }))
  }

  #get(batchId: string): Batch {
    const batch = this.#batches.get(batchId)
    if (!batch) throw new Error(`batch ${batchId}: no such batch (it may have been replaced by a newer one)`)
    return batch
  }

  /** Every path must have been granted for a batch; none is added when one is not. */
  async add(batchId: string, paths: readonly string[]): Promise<BatchAddResult> {
    const batch = this.#get(batchId)
    const granted = paths.map((p) => this.#host.grants.requireBatchInput(p))
    const { added, problems } = await batch.queue.add(granted)
    return { added, problems }
  }

  /** Starts the batch; its end arrives as the one 'batch:finished' event. */
  start(batchId: string): boolean {
    const batch = this.#get(batchId)
    if (batch.run) return false
    // failures are per file and end in the report; a rejection here would be a bug in the queue
    batch.run = batch.queue.start().catch((error: unknown) => process.emitWarning(`batch ${batchId} stopped: ${String(error)}`))
    return true
  }

  pause(batchId: string): boolean {
    this.#get(batchId).queue.pause()
    return true
  }

  resume(batchId: string): boolean {
    this.#get(batchId).queue.resume()
    return true
  }

  cancel(batchId: string): boolean {
    this.#get(batchId).queue.cancel()
    return true
  }

  /** The output folder, or (outputs beside their inputs) the folder of the first photo written. */
  showOutput(batchId: string): string {
    const batch = this.#get(batchId)
    const path = batch.outputDir ?? batch.queue.files().find((f) => f.status === 'done' && f.output !== null)?.output ?? null
    if (path === null) throw new Error('no output yet: the outputs go beside their photos, and none has been written so far')
    this.#host.showItemInFolder(path)
    return path
  }

  /** A batch has started and not finished yet. */
  get busy(): boolean {
    return [...this.#batches.values()].some((b) => b.run !== null && b.queue.state !== 'finished')
  }

  /** Cancels every batch and waits for their final events (quitting). */
  async dispose(): Promise<void> {
    for (const batch of this.#batches.values()) batch.queue.cancel()
    await Promise.allSettled([...this.#batches.values()].map((b) => b.run))
  }
}
