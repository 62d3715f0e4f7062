/**
 * The main process's handle on the engine worker: the same calls as DeblurEngine (deblur,
 * analyze, deblurRegion with AbortSignal and progress), carried as messages. Input pixels
 * live in SharedArrayBuffers (PhotoLibrary), so sending a 50 MP photo copies nothing.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Box, DeblurProgress, DeblurSettings, PhotoAnalysis, PixelBuffer, ProviderChoice, ProviderName } from '../../shared/domain.ts'
import type { LoadedModel } from '../engine/index.ts'
import type { BatchEngine } from '../jobs/batch-engine.ts'
import type { DeblurReply, EngineReply, EngineRequest, OpenedReply, RegionReply } from './engine-protocol.ts'

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (p: DeblurProgress) => void }
type Body<T extends EngineRequest['type']> = Omit<Extract<EngineRequest, { type: T }>, 'id' | 'type'>

/**
 * The worker: `entry` is the bundled engine-worker.js the built app passes (src/main/index.ts);
 * without it the .ts source runs through tsx's loader (tests and tools running from source).
 */
function startWorker(entry?: URL): Worker {
  if (entry && existsSync(fileURLToPath(entry))) return new Worker(entry)
  return new Worker(new URL('./engine-worker-boot.mjs', import.meta.url))
}

function abortError(): Error {
  return Object.assign(new Error('cancelled'), { name: 'AbortError' })
}

/** A BatchEngine (src/main/jobs/batch-engine.ts): the app's batches run on the worker too. */
export class RemoteEngine implements BatchEngine {
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending>()
  /** requests in flight, so dispose() lets a running job finish or fail on its own */
  readonly #inflight = new Set<Promise<unknown>>()
  #next = 1
  #exitError: Error | null = null
  provider: ProviderName = 'cpu'
  providerNote: string | null = null

  private constructor(
    /** the model the worker opened (its manifest: names, journal keys, the settings it accepts) */
    readonly model: LoadedModel,
    entry?: URL,
  ) {
    this.#worker = startWorker(entry)
    this.#worker.on('message', (m: EngineReply) => this.#onReply(m))
    this.#worker.on('error', (e) => this.#failAll(e))
    this.#worker.on('exit', (code) => this.#failAll(new Error(`the engine worker stopped (exit code ${code})`)))
  }

  static async open(
    model: LoadedModel,
    provider: ProviderChoice,
    options: { threads?: number | undefined; entry?: URL | undefined; tileEntry?: URL | undefined } = {},
  ): Promise<RemoteEngine> {
    const { threads } = options
    const tileWorkerEntry = options.tileEntry?.href
    const engine = new RemoteEngine(model, options.entry)
    try {
      const opened = (await engine.#call('open', { modelDir: model.dir, provider, threads, tileWorkerEntry })) as OpenedReply
      engine.provider = opened.provider
      engine.providerNote = opened.providerNote
      return engine
    } catch (error) {
      await engine.#worker.terminate()
      throw error
    }
  }

  #onReply(m: EngineReply): void {
    const pending = this.#pending.get(m.id)
    if (!pending) return
    if (m.type === 'progress') {
      pending.onProgress?.(m.progress)
      return
    }
    this.#pending.delete(m.id)
    if (m.type === 'done') pending.resolve(m.value)
    else pending.reject(Object.assign(new Error(m.message), { name: m.name }))
  }

  #failAll(error: Error): void {
    this.#exitError ??= error
    for (const p of this.#pending.values()) p.reject(error)
    this.#pending.clear()
  }

  #call<T extends EngineRequest['type']>(
    type: T,
    body: Body<T>,
    options: { signal?: AbortSignal; onProgress?: (p: DeblurProgress) => void; transfer?: ArrayBuffer[] } = {},
  ): Promise<unknown> {
    if (this.#exitError) return Promise.reject(this.#exitError)
    if (options.signal?.aborted) return Promise.reject(abortError())
    const id = this.#next++
    const request = new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress: options.onProgress })
      options.signal?.addEventListener('abort', () => this.#worker.postMessage({ type: 'cancel', id } satisfies EngineRequest), { once: true })
      this.#worker.postMessage({ type, id, ...body }, options.transfer ?? [])
    })
    this.#inflight.add(request)
    void request.catch(() => undefined).finally(() => this.#inflight.delete(request))
    return request
  }

  /**
   * `transferInput`: the caller is done with `image` — its buffer moves to the worker instead of
   * being copied on this thread (it is unusable here afterwards). Shared buffers never move.
   */
  async deblur(
    image: PixelBuffer,
    settings: DeblurSettings,
    options: { signal?: AbortSignal; onProgress?: (p: DeblurProgress) => void; grid?: number; transferInput?: boolean } = {},
  ): Promise<DeblurReply> {
    const transfer = options.transferInput ? ownedBuffer(image) : []
    return (await this.#call('deblur', { image, settings, grid: options.grid }, { ...options, transfer })) as DeblurReply
  }

  async analyze(image: PixelBuffer, options: { signal?: AbortSignal; onProgress?: (p: DeblurProgress) => void; grid?: number } = {}): Promise<PhotoAnalysis> {
    return (await this.#call('analyze', { image, grid: options.grid }, options)) as PhotoAnalysis
  }

  async deblurRegion(image: PixelBuffer, box: Box, settings: DeblurSettings, options: { signal?: AbortSignal } = {}): Promise<RegionReply> {
    return (await this.#call('region', { image, box, settings }, options)) as RegionReply
  }

  async dispose(): Promise<void> {
    await Promise.allSettled([...this.#inflight])
    if (!this.#exitError) await this.#call('dispose', {}).catch(() => undefined)
    await this.#worker.terminate()
  }
}

/** The pixel buffer when `pixels` owns all of it (a view into a larger or shared buffer stays put). */
function ownedBuffer(pixels: PixelBuffer): ArrayBuffer[] {
  const { data } = pixels
  const buffer = data.buffer
  return buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buffer.byteLength ? [buffer] : []
}

/** A copy of `pixels` in shared memory, so the engine worker reads it without another copy. */
export function sharedPixels(pixels: PixelBuffer): PixelBuffer {
  if (pixels.data.buffer instanceof SharedArrayBuffer) return pixels
  const sab = new SharedArrayBuffer(pixels.data.byteLength)
  const data = pixels.bitDepth === 16 ? new Uint16Array(sab) : new Uint8Array(sab)
  data.set(pixels.data)
  return { ...pixels, data }
}
