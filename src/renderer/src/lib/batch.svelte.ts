/**
 * The Batch panel's state and actions (issue 5 §5): the folders the user gave, the output
 * options, and — once started — the queue's files with their status, the overall progress and
 * ETA, pause/cancel, and the one final event. Talks to main only through window.api; the
 * batch itself is main's BatchQueue, so the panel only mirrors its events.
 */
import {
  DEFAULT_BATCH_OUTPUT,
  type BatchFileState,
  type BatchOutputOptions,
  type BatchProgress,
} from '../../../shared/batch.ts'
import type { Api, BatchFileProgressEvent, BatchFinishedEvent, DeblurOptions } from '../../../shared/ipc-contract.ts'

/** setup: choosing folders and options; then the batch's own states */
export type BatchPhase = 'setup' | 'running' | 'paused' | 'finished'

const baseName = (path: string): string => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1) || path

export class BatchState {
  readonly #api: Api
  /** the editor's deblur controls at the moment the batch starts */
  readonly #deblurOptions: () => DeblurOptions
  #inputs = $state<string[]>([])
  #output = $state<BatchOutputOptions>({ ...DEFAULT_BATCH_OUTPUT })
  #recursive = $state(true)
  #batchId = $state<string | null>(null)
  #files = $state.raw<BatchFileState[]>([])
  #progress = $state<BatchProgress | null>(null)
  #phase = $state<BatchPhase>('setup')
  #pauseMessage = $state<string | null>(null)
  #outcome = $state<BatchFinishedEvent['outcome'] | null>(null)
  #error = $state<string | null>(null)
  #starting = $state(false)
  #unsubscribe: (() => void)[] = []

  constructor(api: Api, deblurOptions: () => DeblurOptions) {
    this.#api = api
    this.#deblurOptions = deblurOptions
  }

  get inputs() { return this.#inputs }
  get output() { return this.#output }
  get recursive() { return this.#recursive }
  get files() { return this.#files }
  get progress() { return this.#progress }
  get phase() { return this.#phase }
  get pauseMessage() { return this.#pauseMessage }
  get outcome() { return this.#outcome }
  get error() { return this.#error }
  get starting() { return this.#starting }
  get active() { return this.#phase === 'running' || this.#phase === 'paused' }
  get failures() { return this.#files.filter((f) => f.status === 'failed') }
  get canStart() { return this.#phase === 'setup' && this.#inputs.length > 0 && !this.#starting }

  init(): void {
    const mine = (e: { batchId: string }): boolean => e.batchId === this.#batchId
    this.#unsubscribe.push(
      this.#api.onBatchFile((e) => mine(e) && this.#setFile(e.file)),
      this.#api.onBatchFileProgress((e) => mine(e) && this.#onFileProgress(e)),
      this.#api.onBatchProgress((e) => {
        if (mine(e)) this.#progress = e
      }),
      this.#api.onBatchPaused((e) => {
        if (!mine(e)) return
        this.#phase = 'paused'
        this.#pauseMessage = e.reason === 'user' ? null : e.message
      }),
      this.#api.onBatchResumed((e) => {
        if (!mine(e) || this.#phase === 'finished') return
        this.#phase = 'running'
        this.#pauseMessage = null
      }),
      this.#api.onBatchFinished((e) => {
        if (!mine(e)) return
        this.#phase = 'finished'
        this.#outcome = e.outcome
        this.#progress = e.progress
        this.#pauseMessage = null
      }),
    )
  }

  dispose(): void {
    for (const off of this.#unsubscribe) off()
    this.#unsubscribe = []
  }

  #setFile(file: BatchFileState): void {
    const files = this.#files.slice()
    files[file.index] = file
    this.#files = files
  }

  #onFileProgress(e: BatchFileProgressEvent): void {
    const file = this.#files[e.index]
    if (file && e.total > 0) this.#setFile({ ...file, progress: e.done / e.total, elapsedMs: e.elapsedMs })
  }

  async #attempt(work: () => Promise<void>): Promise<void> {
    try {
      this.#error = null
      await work()
    } catch (error) {
      this.#error = error instanceof Error ? error.message : String(error)
    }
  }

  clearError(): void {
    this.#error = null
  }

  /** Folders from the folder dialog. */
  async chooseFolders(): Promise<void> {
    await this.#attempt(async () => this.#addInputs(await this.#api.chooseBatchFolders()))
  }

  /** Folders or photos dropped on the panel (the preload turns the Files into granted paths). */
  async dropped(files: File[]): Promise<void> {
    if (files.length === 0) return
    await this.#attempt(async () => this.#addInputs(await this.#api.grantDroppedToBatch(files)))
  }

  /** Before the start they wait in the list; into a running batch they are queued at once. */
  async #addInputs(paths: string[]): Promise<void> {
    if (paths.length === 0) return
    const batchId = this.#batchId
    if (this.active && batchId) {
      const { problems } = await this.#api.addToBatch({ batchId, paths })
      if (problems.length) this.#error = problems.map((p) => `${p.path}: ${p.reason}`).join('\n')
      return
    }
    if (this.#phase === 'finished') this.reset()
    this.#inputs = [...this.#inputs, ...paths.filter((p) => !this.#inputs.includes(p))]
  }

  removeInput(path: string): void {
    this.#inputs = this.#inputs.filter((p) => p !== path)
  }

  async chooseOutputFolder(): Promise<void> {
    await this.#attempt(async () => {
      const dir = await this.#api.chooseBatchOutputFolder()
      if (dir) this.#output = { ...this.#output, dir }
    })
  }

  setOutput(change: Partial<BatchOutputOptions>): void {
    this.#output = { ...this.#output, ...change }
  }

  setRecursive(on: boolean): void {
    this.#recursive = on
  }

  /** create (options checked by main) → add the folders → start; events fill in the rest. */
  async start(): Promise<void> {
    if (!this.canStart) return
    this.#starting = true
    await this.#attempt(async () => {
      const output = $state.snapshot(this.#output)
      const { batchId } = await this.#api.createBatch({ output, recursive: this.#recursive, deblur: this.#deblurOptions() })
      this.#batchId = batchId
      this.#files = []
      this.#progress = null
      this.#outcome = null
      const { problems } = await this.#api.addToBatch({ batchId, paths: $state.snapshot(this.#inputs) })
      if (problems.length) this.#error = problems.map((p) => `${p.path}: ${p.reason}`).join('\n')
      this.#phase = 'running'
      await this.#api.startBatch({ batchId })
    })
    this.#starting = false
  }

  async #command(run: (batchId: string) => Promise<unknown>): Promise<void> {
    const batchId = this.#batchId
    if (batchId) await this.#attempt(async () => void (await run(batchId)))
  }

  pause(): Promise<void> {
    return this.#command((batchId) => this.#api.pauseBatch({ batchId }))
  }
  resume(): Promise<void> {
    return this.#command((batchId) => this.#api.resumeBatch({ batchId }))
  }
  cancel(): Promise<void> {
    return this.#command((batchId) => this.#api.cancelBatch({ batchId }))
  }
  showOutput(): Promise<void> {
    return this.#command((batchId) => this.#api.showBatchOutput({ batchId }))
  }

  /** Back to setup for a new batch (the finished one's files stay on disk, of course). */
  reset(): void {
    if (this.active) return
    this.#phase = 'setup'
    this.#batchId = null
    this.#files = []
    this.#progress = null
    this.#outcome = null
    this.#inputs = []
  }
}

export { baseName }
