/**
 * The only module that imports onnxruntime-node (STYLE.md, transformers.js habit): execution
 * provider choice with CPU fallback, one lazily created session per stage, and plain typed
 * tensors in and out so the rest of the engine never sees ort types.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as ort from 'onnxruntime-node'
import type { ProviderChoice, ProviderName } from '../../shared/domain.ts'
import type { StageSpec } from '../../shared/model-manifest.ts'
import type { LoadedModel } from './load-model.ts'
import { ModelError } from './model-error.ts'

export type TensorValue =
  | { dtype: 'float32'; data: Float32Array; dims: readonly number[] }
  | { dtype: 'int64'; data: BigInt64Array; dims: readonly number[] }

/** GPU first, CPU last, per platform. */
const PREFERENCE: Record<string, ProviderName[]> = {
  linux: ['cuda', 'cpu'],
  win32: ['dml', 'cpu'],
  darwin: ['coreml', 'cpu'],
}

const PROVIDER_LABEL: Record<ProviderName, string> = { cpu: 'CPU', cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML' }
const PROVIDER_NAMES = new Set<string>(['cpu', 'cuda', 'dml', 'coreml'])

export function providerPreference(platform: string = process.platform): ProviderName[] {
  return PREFERENCE[platform] ?? ['cpu']
}

/**
 * Providers that can run here: those onnxruntime-node supports on this platform, less CUDA
 * while its libraries are not installed (`npm run gpu:install`).
 */
export function availableProviders(): ProviderName[] {
  return ort
    .listSupportedBackends()
    .map((b) => b.name)
    .filter((name): name is ProviderName => PROVIDER_NAMES.has(name))
    .filter((name) => name !== 'cuda' || hasCudaLibraries())
}

/**
 * The CUDA provider is not bundled with onnxruntime-node: its shared library lands next to
 * the binding only after `npm run gpu:install`. Checking first avoids ort's noisy load error.
 */
export function hasCudaLibraries(): boolean {
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node')
    const binDir = join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch).replace(/app\.asar([\\/])/, 'app.asar.unpacked$1')
    const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'
    return existsSync(join(binDir, lib))
  } catch {
    return false
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function toOrt(value: TensorValue): ort.Tensor {
  return value.dtype === 'float32' ? new ort.Tensor('float32', value.data, value.dims) : new ort.Tensor('int64', value.data, value.dims)
}

function fromOrt(tensor: ort.Tensor, name: string): TensorValue {
  if (tensor.type === 'float32' && tensor.data instanceof Float32Array) return { dtype: 'float32', data: tensor.data, dims: tensor.dims }
  if (tensor.type === 'int64' && tensor.data instanceof BigInt64Array) return { dtype: 'int64', data: tensor.data, dims: tensor.dims }
  throw new Error(`output "${name}" has unsupported type ${tensor.type}`)
}

/** One model's sessions on one execution provider. */
export class StageSessions {
  readonly #model: LoadedModel
  readonly #options: ort.InferenceSession.SessionOptions
  readonly #sessions = new Map<string, Promise<ort.InferenceSession>>()

  private constructor(
    model: LoadedModel,
    readonly provider: ProviderName,
    readonly providerNote: string | null,
    options: ort.InferenceSession.SessionOptions,
  ) {
    this.#model = model
    this.#options = options
  }

  /**
   * Resolve the provider by opening `probe` (a stage every request needs) on each candidate
   * in turn; a GPU provider that fails falls back to CPU with a note saying why. Under 'auto',
   * CUDA libraries that were never installed are the normal CPU-only case: no note then.
   */
  static async open(model: LoadedModel, probe: StageSpec, choice: ProviderChoice = 'auto', threads?: number): Promise<StageSessions> {
    const candidates: ProviderName[] = choice === 'auto' ? providerPreference() : choice === 'cpu' ? ['cpu'] : [choice, 'cpu']
    const base: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      interOpNumThreads: 1,
      ...(threads !== undefined && threads > 0 ? { intraOpNumThreads: Math.floor(threads) } : {}),
    }
    const file = join(model.dir, probe.file)
    let note: string | null = null
    for (const provider of candidates) {
      const options = { ...base, executionProviders: [provider] }
      if (provider === 'cuda' && !hasCudaLibraries()) {
        if (choice === 'cuda') note = 'CUDA libraries missing — run `npm run gpu:install`; using CPU'
        continue
      }
      try {
        const session = await ort.InferenceSession.create(file, options)
        const sessions = new StageSessions(model, provider, note, options)
        sessions.#sessions.set(probe.id, Promise.resolve(session))
        return sessions
      } catch (error) {
        if (provider === 'cpu') throw new ModelError(file, `${model.manifest.id}: cannot load ${file}: ${message(error)}`, undefined)
        const hint = provider === 'cuda' ? ' (run `npm run gpu:install` for the CUDA libraries)' : ''
        note = `${PROVIDER_LABEL[provider]} is not available here${hint}: ${message(error).split('\n')[0]}; using CPU`
      }
    }
    throw new ModelError(file, `${model.manifest.id}: no execution provider could load ${file}`)
  }

  /** Stage ids whose sessions have been created so far (the probe stage included). */
  openedStages(): string[] {
    return [...this.#sessions.keys()]
  }

  #session(stage: StageSpec): Promise<ort.InferenceSession> {
    let session = this.#sessions.get(stage.id)
    if (session === undefined) {
      const file = join(this.#model.dir, stage.file)
      session = ort.InferenceSession.create(file, this.#options).catch((error: unknown) => {
        this.#sessions.delete(stage.id)
        throw new ModelError(file, `${this.#model.manifest.id}: cannot load ${file}: ${message(error)}`)
      })
      this.#sessions.set(stage.id, session)
    }
    return session
  }

  /** Run one stage; feeds and results are keyed by the manifest's tensor names. */
  async run(stage: StageSpec, feeds: ReadonlyMap<string, TensorValue>): Promise<Map<string, TensorValue>> {
    const session = await this.#session(stage)
    const where = `${this.#model.manifest.id}: stage "${stage.id}" (${stage.file})`
    const input: Record<string, ort.Tensor> = {}
    for (const spec of stage.inputs) {
      const value = feeds.get(spec.name)
      if (value === undefined) throw new Error(`${where}: input "${spec.name}" was not produced`)
      input[spec.name] = toOrt(value)
    }
    let output: ort.InferenceSession.ReturnType
    try {
      output = await session.run(input)
    } catch (error) {
      throw new Error(`${where} failed: ${message(error)}`, { cause: error })
    }
    const results = new Map<string, TensorValue>()
    for (const spec of stage.outputs) {
      const tensor = output[spec.name]
      if (tensor === undefined) throw new Error(`${where}: the graph has no output "${spec.name}" named in the manifest`)
      results.set(spec.name, fromOrt(tensor, spec.name))
    }
    return results
  }

  async release(): Promise<void> {
    const sessions = [...this.#sessions.values()]
    this.#sessions.clear()
    for (const pending of sessions) {
      const session = await pending.catch(() => null)
      await session?.release()
    }
  }
}
