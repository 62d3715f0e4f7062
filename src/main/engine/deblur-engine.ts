/**
 * The engine's public face: a model opened on an execution provider, running deblur and
 * analysis passes one at a time (sessions are shared, so requests queue rather than interleave).
 */
import type {
  Box,
  DeblurProgress,
  DeblurSettings,
  PhotoAnalysis,
  PixelBuffer,
  ProviderChoice,
  ProviderName,
  TileReport,
} from '../../shared/domain.ts'
import { statSync } from 'node:fs'
import { availableParallelism, totalmem } from 'node:os'
import { join } from 'node:path'
import { TENSOR } from '../../shared/model-manifest.ts'
import { checkPixelBuffer } from './blend-band.ts'
import type { LoadedModel } from './load-model.ts'
import { throwIfAborted } from './model-error.ts'
import { StageSessions } from './onnx-sessions.ts'
import { analysisStages, deblurStages } from './stage-graph.ts'
import { LocalTileExecutor, type TileExecutor } from './tile-executor.ts'
import { runTilePass } from './tile-pass.ts'
import { TileWorkerPool } from './tile-worker-pool.ts'

export interface DeblurResult {
  /** same size, channels and bit depth as the input; alpha copied untouched */
  image: PixelBuffer
  tiles: TileReport[]
  /** fidediff models: per-region t̂ and kernels */
  analysis: PhotoAnalysis | null
  provider: ProviderName
  elapsedMs: number
}

export interface PassOptions {
  signal?: AbortSignal
  onProgress?: (p: DeblurProgress) => void
  /** analysis regions along the photo's long side */
  grid?: number
}

/** Default analysis grid: 8 regions along the long side. */
export const DEFAULT_GRID = 8

function checkSettings(model: LoadedModel, s: DeblurSettings): void {
  const id = model.manifest.id
  if (s.t !== 'auto' && !Number.isFinite(s.t)) throw new Error(`${id}: t must be 'auto' or a number, got ${String(s.t)}`)
  if (!Number.isFinite(s.tOffset)) throw new Error(`${id}: tOffset must be a number, got ${String(s.tOffset)}`)
  // 4096 is the manifest schema's largest tile: beyond it one tile's tensors stop being small
  if (s.tile !== undefined && (!Number.isInteger(s.tile) || s.tile < 1 || s.tile > 4096))
    throw new Error(`${id}: tile must be an integer from 1 to 4096 model pixels, got ${s.tile}`)
  if (s.upscale !== undefined && (!Number.isInteger(s.upscale) || s.upscale < 1 || s.upscale > 4))
    throw new Error(`${id}: upscale must be an integer from 1 to 4, got ${s.upscale}`)
  // a graph converted for one input size (e.g. MAXIM-3S at 256×256) runs only tiles of that size
  const fixed = fixedInputSize(model)
  if (fixed !== null && s.tile !== undefined && s.tile !== fixed)
    throw new Error(`${id}: this model only runs ${fixed}×${fixed} tiles; leave the tile size at the model's default`)
  if (fixed !== null && s.upscale !== undefined && s.upscale !== model.manifest.upscale.factor)
    throw new Error(`${id}: this model runs at ×${model.manifest.upscale.factor} only; its input size is fixed`)
}

/** The tile edge a model's `image` input is fixed to, or null when its H and W are dynamic. */
export function fixedInputSize(model: LoadedModel): number | null {
  for (const stage of model.manifest.stages) {
    const image = stage.inputs.find((input) => input.name === TENSOR.image)
    const [, , h, w] = image?.shape ?? []
    if (typeof h === 'number' && h === w) return h
  }
  return null
}

function checkBox(image: PixelBuffer, box: Box): void {
  const ok =
    [box.x, box.y, box.width, box.height].every(Number.isInteger) &&
    box.x >= 0 &&
    box.y >= 0 &&
    box.width > 0 &&
    box.height > 0 &&
    box.x + box.width <= image.width &&
    box.y + box.height <= image.height
  if (!ok) throw new Error(`region ${box.width}×${box.height} at (${box.x}, ${box.y}) is not inside the ${image.width}×${image.height} image`)
}

function cropPixels(image: PixelBuffer, box: Box): PixelBuffer {
  const { channels } = image
  const data = image.bitDepth === 16 ? new Uint16Array(box.width * box.height * channels) : new Uint8Array(box.width * box.height * channels)
  for (let y = 0; y < box.height; y++) {
    const from = ((box.y + y) * image.width + box.x) * channels
    data.set(image.data.subarray(from, from + box.width * channels), y * box.width * channels)
  }
  return { width: box.width, height: box.height, channels, bitDepth: image.bitDepth, data }
}

export interface EngineOptions {
  provider?: ProviderChoice
  /** ONNX Runtime intra-op threads per session (default: ORT's own choice, or cores / workers with tile workers) */
  threads?: number
  /** tiles run at once on the CPU provider, one worker thread each (default: tileWorkerPlan); 1 = none */
  workers?: number
  /** the built app's bundled tile-worker.js (from source the tsx boot file is used) */
  tileWorkerEntry?: URL
}

/**
 * Tile workers on the CPU provider, for small models: as many as cores, at most 4, and no more
 * than half the machine's memory holds (each worker has its own sessions: about 20× the model's
 * ONNX bytes plus 256 MiB of tile tensors — 400 MiB measured for FideDiff-Tiny at tile 512);
 * each worker gets an equal share of the threads. A large model's convolutions keep ONNX
 * Runtime's own threads busy: MAXIM-3S (92 MB) on a 474×316 photo took 20.9 s with one worker and
 * 20.2 s with two (medians of 3, bench/speed-run.ts) at 1.9 vs 3.9 GiB, so models over 50 MB get
 * one worker and every thread.
 * An explicit `workers` is kept.
 */
export function tileWorkerPlan(
  machine: { cores: number; memoryBytes: number },
  modelBytes: number,
  options: Pick<EngineOptions, 'threads' | 'workers'>,
): { workers: number; threads: number } {
  const perWorker = 20 * modelBytes + 256 * 2 ** 20
  const fits = Math.max(1, Math.floor(machine.memoryBytes / 2 / perWorker))
  const small = modelBytes <= 50e6
  const workers = Math.max(1, Math.floor(options.workers ?? (small ? Math.min(4, machine.cores, fits) : 1)))
  return { workers, threads: options.threads ?? Math.max(1, Math.floor(machine.cores / workers)) }
}

function onnxBytes(model: LoadedModel): number {
  return model.manifest.stages.reduce((sum, stage) => sum + statSync(join(model.dir, stage.file)).size, 0)
}

export class DeblurEngine {
  readonly #sessions: StageSessions
  readonly #local: LocalTileExecutor
  readonly #options: EngineOptions
  readonly #modelBytes: number
  /** opened on the first pass with more than one tile (small photos and previews never start workers) */
  #pool: Promise<TileWorkerPool> | null = null
  #queue: Promise<unknown> = Promise.resolve()
  #disposed = false

  private constructor(
    readonly model: LoadedModel,
    sessions: StageSessions,
    options: EngineOptions,
  ) {
    this.#sessions = sessions
    this.#local = new LocalTileExecutor(sessions, model.manifest)
    this.#options = options
    this.#modelBytes = onnxBytes(model)
  }

  /** Open `model` on the chosen provider (auto: the platform's GPU provider if it loads, else CPU). */
  static async open(model: LoadedModel, options: EngineOptions = {}): Promise<DeblurEngine> {
    const { manifest } = model
    // a stage every request runs resolves the provider; fidediff analysis never runs the first (encoder) stage
    const probe = manifest.kind === 'fidediff' ? analysisStages(manifest)[0]! : manifest.stages[0]!
    return new DeblurEngine(model, await StageSessions.open(model, probe, options.provider ?? 'auto', options.threads), options)
  }

  #plan(): { workers: number; threads: number } {
    return tileWorkerPlan({ cores: availableParallelism(), memoryBytes: totalmem() }, this.#modelBytes, this.#options)
  }

  /** Tile workers this engine runs on the CPU provider (1: tiles run on the engine's own thread). */
  get tileWorkers(): number {
    return this.provider === 'cpu' ? this.#plan().workers : 1
  }

  async #executor(tiles: number): Promise<TileExecutor> {
    if (tiles < 2 || this.tileWorkers < 2) return this.#local
    const current = await this.#pool?.catch(() => null)
    if (current?.broken) await current.release()
    if (!current || current.broken) {
      const opening = TileWorkerPool.open(this.model, { ...this.#plan(), entry: this.#options.tileWorkerEntry })
      this.#pool = opening
      // a pool that could not open is not kept: the next pass tries again
      opening.catch(() => {
        if (this.#pool === opening) this.#pool = null
      })
    }
    return this.#pool!
  }

  /** The provider that actually runs. */
  get provider(): ProviderName {
    return this.#sessions.provider
  }

  /** Why the provider differs from the one asked for, if it does. */
  get providerNote(): string | null {
    return this.#sessions.providerNote
  }

  /** Stage ids whose ONNX sessions exist so far (created lazily, on first use). */
  get openedStages(): string[] {
    return this.#sessions.openedStages()
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.#disposed) return Promise.reject(new Error(`${this.model.manifest.id}: engine was disposed`))
    const next = this.#queue.then(work, work)
    this.#queue = next.catch(() => undefined)
    return next
  }

  deblur(image: PixelBuffer, settings: DeblurSettings, options: PassOptions = {}): Promise<DeblurResult> {
    return this.#exclusive(async () => {
      const started = performance.now()
      checkPixelBuffer(image)
      checkSettings(this.model, settings)
      throwIfAborted(options.signal, 'deblur')
      const { manifest } = this.model
      const pass = await runTilePass(image, {
        model: this.model,
        executor: (tiles) => this.#executor(tiles),
        provider: this.provider,
        stages: deblurStages(manifest),
        settings,
        factor: settings.upscale ?? manifest.upscale.factor,
        tileSize: settings.tile ?? manifest.tile.size,
        grid: options.grid ?? DEFAULT_GRID,
        signal: options.signal,
        onProgress: options.onProgress,
        what: 'deblur',
      })
      return {
        image: pass.image!,
        tiles: pass.tiles,
        analysis: pass.analysis,
        provider: this.provider,
        elapsedMs: performance.now() - started,
      }
    })
  }

  /** Kernel map and t̂ per region without restoring (only the estimator stages run). */
  analyze(image: PixelBuffer, options: PassOptions = {}): Promise<PhotoAnalysis> {
    return this.#exclusive(async () => {
      checkPixelBuffer(image)
      throwIfAborted(options.signal, 'analysis')
      const { manifest } = this.model
      const pass = await runTilePass(image, {
        model: this.model,
        executor: (tiles) => this.#executor(tiles),
        provider: this.provider,
        stages: analysisStages(manifest),
        settings: null,
        factor: manifest.upscale.factor,
        tileSize: manifest.tile.size,
        grid: options.grid ?? DEFAULT_GRID,
        signal: options.signal,
        onProgress: options.onProgress,
        what: 'analysis',
      })
      return pass.analysis!
    })
  }

  /**
   * Deblur only `box` (a preview): the box plus surrounding context is processed, the box is
   * returned. Tile boxes are in full-image coordinates, clipped to the box.
   */
  async deblurRegion(
    image: PixelBuffer,
    box: Box,
    settings: DeblurSettings,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ image: PixelBuffer; box: Box; tiles: TileReport[] }> {
    checkPixelBuffer(image)
    checkBox(image, box)
    const { manifest } = this.model
    // context of two blend overlaps keeps the model's view at the box edges like a full run's
    const context = 2 * Math.ceil(manifest.tile.overlap / (settings.upscale ?? manifest.upscale.factor))
    const x0 = Math.max(0, box.x - context)
    const y0 = Math.max(0, box.y - context)
    const outer = {
      x: x0,
      y: y0,
      width: Math.min(image.width, box.x + box.width + context) - x0,
      height: Math.min(image.height, box.y + box.height + context) - y0,
    }
    const result = await this.deblur(cropPixels(image, outer), settings, options.signal ? { signal: options.signal } : {})
    const inner = { x: box.x - outer.x, y: box.y - outer.y, width: box.width, height: box.height }
    const tiles = result.tiles.flatMap((t) => {
      const x = Math.max(t.box.x + outer.x, box.x)
      const y = Math.max(t.box.y + outer.y, box.y)
      const right = Math.min(t.box.x + outer.x + t.box.width, box.x + box.width)
      const bottom = Math.min(t.box.y + outer.y + t.box.height, box.y + box.height)
      return right > x && bottom > y ? [{ ...t, box: { x, y, width: right - x, height: bottom - y } }] : []
    })
    return { image: cropPixels(result.image, inner), box: { ...box }, tiles }
  }

  /** Release every ONNX session; the engine refuses work afterwards. */
  async dispose(): Promise<void> {
    if (this.#disposed) return
    this.#disposed = true
    await this.#queue
    const pool = await this.#pool?.catch(() => null)
    await pool?.release()
    await this.#local.release()
  }
}
