/**
 * BatchQueue: the batch job shared by the app (IPC) and the CLI (issue 5 §1). Photos run one
 * at a time in the order added; typed events report each file's status and progress and the
 * batch's ETA; pause holds before the next photo, cancel stops the running photo within a
 * tile (nothing is written for it), a full disk pauses with the photo first in line again.
 * Each file gets exactly one 'file-finished' event, the batch exactly one 'finished'.
 */
import { createHash, randomUUID } from 'node:crypto'
import { dirname } from 'node:path'
import type { BatchEvents, BatchFileState, BatchInput, BatchOptions, BatchProgress, FileStatus, PauseReason } from './batch-types.ts'
import { FINAL_STATUSES } from './batch-types.ts'
import { checkBatchSettings } from './batch-options.ts'
import { buildReport, reportRow, type BatchReport } from './batch-report.ts'
import { expandInputs, type InputProblem } from './expand-inputs.ts'
import { JournalSet, journalFileName } from './journal.ts'
import { batchDate, canonicalPath } from './output-plan.ts'
import { DiskFullError, processPhoto, type BatchAnalyzer, type BatchEngine } from './process-photo.ts'
import { formatShard, selectShard } from './shard.ts'

type Listener<K extends keyof BatchEvents> = (payload: BatchEvents[K]) => void
export type BatchState = 'idle' | 'running' | 'pausing' | 'paused' | 'finished'

/** Fingerprint of what makes two runs "the same batch" for the journal. */
export function batchSettingsKey(engine: BatchEngine, options: BatchOptions, analyzer: BatchAnalyzer | null = null): string {
  const m = engine.model.manifest
  const a = analyzer?.model.manifest
  const { dir: _dir, collision: _collision, ...output } = options.output
  const key = {
    model: m.id, version: m.version, stages: m.stages.map((s) => s.sha256), settings: options.settings, output, grid: options.grid ?? null,
    // the analyzer writes the sidecars, {t} and t̂ of an image-to-image batch; absent keeps old keys
    ...(a ? { analyzer: { id: a.id, version: a.version, stages: a.stages.map((s) => s.sha256) } } : {}),
  }
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 24)
}

export class BatchQueue {
  readonly id: string
  readonly #engine: BatchEngine
  readonly #analyzer: BatchAnalyzer | null
  readonly #options: BatchOptions
  readonly #files: BatchFileState[] = []
  readonly #inputs = new Map<number, BatchInput>()
  readonly #pending: number[] = []
  readonly #allInputs = new Set<string>()
  readonly #claimed = new Set<string>()
  readonly #journals: JournalSet
  readonly #settingsKey: string
  readonly #date = batchDate()
  readonly #abort = new AbortController()
  readonly #listeners = new Map<keyof BatchEvents, Set<(payload: never) => void>>()
  #state: BatchState = 'idle'
  #pauseReason: PauseReason | null = null
  #wake: (() => void) | null = null
  #run: Promise<BatchReport> | null = null
  #current: { index: number; fraction: number; startedAt: number } | null = null
  #activeMs = 0
  #segmentStart: number | null = null
  #workMs = 0
  #workUnits = 0

  /**
   * Throws when the settings would fail every photo (see checkBatchSettings). `analyzer`: a
   * fidediff model's estimator, used when `engine` restores with an image-to-image model
   * (kernel maps, t̂ in the report, `{t}` in names); a fidediff restorer analyses itself.
   */
  constructor(engine: BatchEngine, options: BatchOptions, extra: { id?: string; analyzer?: BatchAnalyzer | null } = {}) {
    const analyzer = engine.model.manifest.kind === 'fidediff' ? null : (extra.analyzer ?? null)
    checkBatchSettings(engine.model.manifest, options, analyzer?.model.manifest ?? null)
    this.id = extra.id ?? randomUUID()
    this.#engine = engine
    this.#analyzer = analyzer
    this.#options = options
    this.#journals = new JournalSet(journalFileName(options.shard))
    this.#settingsKey = batchSettingsKey(engine, options, analyzer)
  }

  get state(): BatchState {
    return this.#state
  }

  files(): readonly BatchFileState[] {
    return this.#files.map((f) => ({ ...f }))
  }

  on<K extends keyof BatchEvents>(type: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(type)
    if (!set) this.#listeners.set(type, (set = new Set()))
    set.add(listener as (payload: never) => void)
    return () => set.delete(listener as (payload: never) => void)
  }

  #emit<K extends keyof BatchEvents>(type: K, payload: BatchEvents[K]): void {
    for (const listener of this.#listeners.get(type) ?? []) {
      try {
        ;(listener as Listener<K>)(payload)
      } catch (error) {
        // a broken listener must not cost a photo its final event
        process.emitWarning(`batch ${type} listener failed: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
  }

  /**
   * Adds files and folders (expanded, this shard only, earlier outputs left out). Paths that are
   * missing or not photos become failed files of the batch, so the report names them.
   * `found` counts the photos before the shard was taken.
   */
  async add(paths: readonly string[]): Promise<{ added: number; found: number; problems: InputProblem[] }> {
    if (this.#state === 'finished') throw new Error('this batch has finished; start a new one')
    const outDir = this.#options.output.dir
    const { inputs, problems } = await expandInputs(paths, { recursive: this.#options.recursive, excludeDirs: outDir ? [outDir] : [] })
    const accepted: { input: BatchInput; canonical: string }[] = []
    for (const input of selectShard(inputs, this.#options.shard)) {
      const journal = await this.#journals.for(dirname(input.path))
      if (journal.recordedOutputs().has(input.path)) continue // our own output of an earlier run
      accepted.push({ input, canonical: await canonicalPath(input.path) })
    }
    // no await from here on: the run loop cannot finish between the check and the push
    if (this.state === 'finished') throw new Error('this batch has finished; start a new one')
    let added = 0
    for (const { input, canonical } of accepted) {
      if (this.#allInputs.has(canonical)) continue
      this.#allInputs.add(canonical)
      const index = this.#newFile(input.path, input.relativePath)
      this.#inputs.set(index, input)
      this.#pending.push(index)
      added++
    }
    for (const problem of problems) {
      const index = this.#newFile(problem.path, problem.path)
      this.#finish(index, { status: 'failed', reason: `${problem.path}: ${problem.reason}` })
    }
    return { added, found: inputs.length, problems }
  }

  #newFile(input: string, relativePath: string): number {
    const file: BatchFileState = {
      index: this.#files.length, input, relativePath, status: 'queued', output: null, reason: null,
      progress: 0, elapsedMs: 0, provider: null, tHatMean: null, tHatMax: null, resumed: false,
    }
    this.#files.push(file)
    this.#emit('file-queued', { batchId: this.id, file: { ...file } })
    return file.index
  }

  #finish(index: number, change: Partial<BatchFileState> & { status: FileStatus }): void {
    const file = this.#files[index]!
    if (FINAL_STATUSES.includes(file.status)) return // exactly one final event per file
    Object.assign(file, change, { progress: change.status === 'done' ? 1 : file.progress })
    this.#emit('file-finished', { batchId: this.id, file: { ...file } })
    this.#emit('progress', this.progress())
  }

  /** Runs the batch; resolves with the report after the one 'finished' event. */
  start(): Promise<BatchReport> {
    this.#run ??= this.#loop()
    return this.#run
  }

  /** Holds before the next photo; the running one finishes first. */
  pause(): void {
    if (this.#state === 'finished' || this.#pauseReason) return
    this.#pauseReason = 'user'
    if (this.#state === 'running') this.#state = 'pausing'
  }

  resume(): void {
    if (!this.#pauseReason) return
    this.#pauseReason = null
    if (this.#state === 'pausing') this.#state = 'running'
    this.#wake?.()
  }

  /** Stops the running photo within a tile; it and every photo not yet done end 'cancelled'. */
  cancel(): void {
    if (this.#state === 'finished') return
    this.#abort.abort()
    this.#wake?.()
  }

  report(): BatchReport {
    return buildReport(this.#files.map(reportRow), {
      model: this.#engine.model.manifest.id,
      shard: this.#options.shard ? formatShard(this.#options.shard) : null,
    })
  }

  progress(): BatchProgress {
    const counts = { queued: 0, running: 0, done: 0, failed: 0, skipped: 0, cancelled: 0 } satisfies Record<FileStatus, number>
    for (const f of this.#files) counts[f.status]++
    const finished = counts.done + counts.failed + counts.skipped + counts.cancelled
    const current = this.#current?.fraction ?? 0
    const total = this.#files.length
    const elapsedMs = this.#activeMs + (this.#segmentStart === null ? 0 : performance.now() - this.#segmentStart)
    // mean time per photo from the photos that ran the model (journal skips and early failures
    // take no time), counting the running photo's finished tiles as a fraction of a photo
    const running = this.#current && current > 0 ? this.#current : null
    const units = this.#workUnits + (running ? current : 0)
    const left = this.#pending.length + (this.#current ? 1 - current : 0)
    const perPhoto = units > 0 ? (this.#workMs + (running ? performance.now() - running.startedAt : 0)) / units : null
    return {
      batchId: this.id, total, finished, counts,
      fraction: total ? Math.min(1, (finished + current) / total) : 1,
      elapsedMs,
      etaMs: perPhoto === null ? null : Math.round(perPhoto * left),
    }
  }

  #clockStart(): void {
    this.#segmentStart ??= performance.now()
  }

  #clockStop(): void {
    if (this.#segmentStart !== null) this.#activeMs += performance.now() - this.#segmentStart
    this.#segmentStart = null
  }

  async #loop(): Promise<BatchReport> {
    this.#state = this.#pauseReason ? 'pausing' : 'running'
    while (!this.#abort.signal.aborted) {
      if (this.#pauseReason) {
        await this.#holdWhilePaused()
        continue
      }
      const index = this.#pending.shift()
      if (index === undefined) break
      await this.#processOne(index)
    }
    for (const index of this.#pending.splice(0)) this.#finish(index, { status: 'cancelled', reason: `${this.#files[index]!.input}: cancelled before it started` })
    this.#clockStop()
    this.#state = 'finished'
    const report = this.report()
    this.#emit('finished', { batchId: this.id, outcome: this.#abort.signal.aborted ? 'cancelled' : 'completed', report })
    return report
  }

  async #holdWhilePaused(): Promise<void> {
    this.#clockStop()
    this.#state = 'paused'
    const reason = this.#pauseReason ?? 'user'
    const message = reason === 'user' ? 'paused' : this.#pauseMessage
    // armed before the event, so a listener may resume() or cancel() right inside it
    const woken = new Promise<void>((resolve) => (this.#wake = resolve))
    this.#emit('paused', { batchId: this.id, reason, message, path: reason === 'user' ? null : this.#pausePath })
    await woken
    this.#wake = null
    if (!this.#abort.signal.aborted) {
      this.#state = 'running'
      this.#emit('resumed', { batchId: this.id })
    }
  }

  #pauseMessage = ''
  #pausePath: string | null = null

  async #processOne(index: number): Promise<void> {
    const file = this.#files[index]!
    const input = this.#inputs.get(index)!
    this.#clockStart()
    const started = performance.now()
    Object.assign(file, { status: 'running', progress: 0, reason: null })
    this.#current = { index, fraction: 0, startedAt: started }
    this.#emit('file-started', { batchId: this.id, file: { ...file } })
    try {
      const result = await processPhoto(input, {
        engine: this.#engine, analyzer: this.#analyzer, options: this.#options, journals: this.#journals, settingsKey: this.#settingsKey,
        allInputs: this.#allInputs, claimed: this.#claimed, date: this.#date, signal: this.#abort.signal,
        onProgress: (p) => {
          file.progress = p.total ? p.done / p.total : 0
          this.#current = { index, fraction: file.progress, startedAt: started }
          this.#emit('file-progress', { batchId: this.id, index, done: p.done, total: p.total, elapsedMs: p.elapsedMs, etaMs: p.etaMs })
          this.#emit('progress', this.progress())
        },
      })
      const elapsedMs = performance.now() - started
      if (result.provider !== null && !result.resumed) {
        this.#workMs += elapsedMs
        this.#workUnits += 1
      }
      this.#current = null
      const { resumedTimeMs, ...change } = result
      this.#finish(index, { ...change, elapsedMs: result.resumed ? (resumedTimeMs ?? 0) : elapsedMs })
    } catch (error) {
      this.#current = null
      if (error instanceof DiskFullError) {
        // nothing was kept of this photo: it goes back first in line and the batch holds
        Object.assign(file, { status: 'queued', progress: 0, reason: error.message })
        this.#pending.unshift(index)
        this.#pauseReason = 'no-space'
        this.#pauseMessage = error.message
        this.#pausePath = error.target
        this.#emit('progress', this.progress())
        return
      }
      this.#finish(index, { status: 'failed', reason: `${input.path}: ${error instanceof Error ? error.message : String(error)}` })
    }
  }
}
