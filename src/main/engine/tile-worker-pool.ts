/**
 * Tiles on several worker threads at once (tile-executor.ts says why): each worker opens the
 * model's stages on the CPU provider with `threads` intra-op threads and runs whole tiles.
 * A tile goes to the worker with the fewest tiles in flight; the tile pass consumes results
 * in plan order, so the output is the same as one-by-one (tested to the bit).
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { StageSpec } from '../../shared/model-manifest.ts'
import type { LoadedModel } from './load-model.ts'
import { throwIfAborted } from './model-error.ts'
import type { TensorValue } from './onnx-sessions.ts'
import type { StageRun } from './run-stages.ts'
import type { TileExecutor, TileSettings } from './tile-executor.ts'
import type { TileWorkerReply, TileWorkerRequest } from './tile-worker-protocol.ts'

type Pending = { resolve: (run: StageRun) => void; reject: (error: Error) => void }

class TileWorker {
  readonly pending = new Map<number, Pending>()
  /** tiles given to this worker and not yet settled (counted before the worker has opened) */
  readonly #runs = new Set<Promise<StageRun>>()
  readonly #exited: Promise<void>
  readonly #worker: Worker
  readonly opened: Promise<void>
  #failure: Error | null = null

  constructor(entry: URL, model: LoadedModel, threads: number, label: string) {
    this.#worker = new Worker(entry)
    let opened!: { resolve: () => void; reject: (e: Error) => void }
    this.opened = new Promise<void>((resolve, reject) => (opened = { resolve, reject }))
    this.opened.catch(() => undefined)
    const fail = (error: Error): void => {
      this.#failure ??= error
      opened.reject(error)
      for (const p of this.pending.values()) p.reject(error)
      this.pending.clear()
    }
    this.#worker.on('message', (m: TileWorkerReply) => {
      if (m.type === 'opened') return opened.resolve()
      if (m.type === 'failed') return fail(new Error(m.message))
      const p = this.pending.get(m.id)
      if (p === undefined) return
      this.pending.delete(m.id)
      if (m.type === 'error') p.reject(new Error(m.message))
      else p.resolve({ tensors: new Map(m.tensors), tHat: m.tHat, tUsed: m.tUsed })
    })
    this.#worker.on('error', (e) => fail(new Error(`${label}: ${e.message}`)))
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()))
    this.#worker.on('exit', (code) => fail(new Error(`${label} stopped (exit code ${code})`)))
    this.#post({ type: 'open', model, threads })
  }

  #post(message: TileWorkerRequest, transfer: ArrayBuffer[] = []): void {
    this.#worker.postMessage(message, transfer)
  }

  get inflight(): number {
    return this.#runs.size
  }

  async run(id: number, stages: readonly StageSpec[], image: TensorValue, settings: TileSettings, what: string): Promise<StageRun> {
    const run = this.#run(id, stages, image, settings, what)
    this.#runs.add(run)
    try {
      return await run
    } finally {
      this.#runs.delete(run)
    }
  }

  async #run(id: number, stages: readonly StageSpec[], image: TensorValue, settings: TileSettings, what: string): Promise<StageRun> {
    await this.opened
    if (this.#failure) throw this.#failure
    return new Promise<StageRun>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      // the pass made this tile's input for this call alone: hand its buffer over
      const transfer = image.data.buffer instanceof ArrayBuffer ? [image.data.buffer] : []
      this.#post({ type: 'run', id, stageIds: stages.map((s) => s.id), image, settings, what }, transfer)
    })
  }

  /** the worker stopped or could not open: it runs no more tiles */
  get failed(): boolean {
    return this.#failure !== null
  }

  /**
   * Let the tiles in flight finish, then have the worker release its sessions and exit.
   * Terminating a thread inside an ONNX Runtime call crashed the process (seen under load when
   * a pass failed or was cancelled with tiles still running), so terminate() is only the
   * fallback for a worker that has not exited after `graceMs`.
   */
  async close(graceMs = 15_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)))
    const graceful = (async () => {
      await Promise.allSettled([...this.#runs])
      this.#failure ??= new Error('the engine was disposed')
      this.#post({ type: 'close' })
      await this.#exited
    })()
    if ((await Promise.race([graceful, late])) === 'late') await this.#worker.terminate()
    clearTimeout(timer)
  }
}

/** The tile worker's entry: the built app passes its bundled tile-worker.js; from source, the tsx boot file. */
function workerEntry(entry?: URL): URL {
  if (entry && existsSync(fileURLToPath(entry))) return entry
  return new URL('./tile-worker-boot.mjs', import.meta.url)
}

export class TileWorkerPool implements TileExecutor {
  readonly #workers: TileWorker[]
  #next = 1

  private constructor(workers: TileWorker[]) {
    this.#workers = workers
  }

  get parallel(): number {
    return this.#workers.length
  }

  /** a worker died (crash, out of memory): the engine opens a fresh pool for its next pass */
  get broken(): boolean {
    return this.#workers.some((w) => w.failed)
  }

  /** Start `workers` workers and wait until each has opened the model. */
  static async open(model: LoadedModel, options: { workers: number; threads: number; entry?: URL | undefined }): Promise<TileWorkerPool> {
    const entry = workerEntry(options.entry)
    const workers = Array.from(
      { length: options.workers },
      (_, i) => new TileWorker(entry, model, options.threads, `${model.manifest.id}: tile worker ${i + 1}/${options.workers}`),
    )
    const pool = new TileWorkerPool(workers)
    try {
      await Promise.all(workers.map((w) => w.opened))
    } catch (error) {
      await pool.release()
      throw error
    }
    return pool
  }

  run(stages: readonly StageSpec[], image: TensorValue, settings: TileSettings, signal: AbortSignal | undefined, what: string): Promise<StageRun> {
    throwIfAborted(signal, what)
    const worker = this.#workers.reduce((a, b) => (b.inflight < a.inflight ? b : a))
    return worker.run(this.#next++, stages, image, settings, what)
  }

  async release(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close()))
  }
}
