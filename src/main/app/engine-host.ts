/**
 * The main process holds the ONNX sessions (DESIGN.md) — in its engine worker thread (see
 * engine-protocol.ts): one engine, opened on first use with the user's provider choice and
 * reopened when that choice changes. The model is the first `fidediff` model found (its
 * estimator stages feed the overlays), else the first one.
 */
import type { ProviderChoice, ProviderName } from '../../shared/domain.ts'
import type { ModelInfo } from '../../shared/ipc-contract.ts'
import { availableProviders, findModels, type LoadedModel } from '../engine/index.ts'
import { RemoteEngine } from './remote-engine.ts'

export interface EngineStatus {
  model: ModelInfo | null
  modelProblems: string[]
  providers: ProviderName[]
  activeProvider: ProviderName | null
  providerNote: string | null
}

export class EngineHost {
  readonly #modelDirs: string[] | undefined
  readonly #threads: number | undefined
  readonly #workerEntry: URL | undefined
  #model: Promise<LoadedModel | null> | null = null
  #problems: string[] = []
  #engine: { choice: ProviderChoice; engine: Promise<RemoteEngine> } | null = null
  #opened: RemoteEngine | null = null

  /**
   * `modelDirs` overrides the engine's defaultModelDirs() (tests, packaged resources);
   * `workerEntry` is the bundled engine-worker.js of the built app.
   */
  constructor(options: { modelDirs?: string[]; threads?: number; workerEntry?: URL } = {}) {
    this.#modelDirs = options.modelDirs
    this.#threads = options.threads
    this.#workerEntry = options.workerEntry
  }

  async model(): Promise<LoadedModel | null> {
    this.#model ??= (async () => {
      const { models, problems } = await findModels(this.#modelDirs)
      this.#problems = [...problems]
      const chosen = models.find((m) => m.manifest.kind === 'fidediff') ?? models[0] ?? null
      if (!chosen)
        this.#problems.push(
          `no model found in ${(this.#modelDirs ?? ['resources/models']).join(', ')}: a model is a folder with manifest.json and its ONNX files`,
        )
      return chosen
    })()
    return this.#model
  }

  /** The engine for `choice`, opening (or reopening after a provider change) as needed. */
  async engine(choice: ProviderChoice): Promise<RemoteEngine> {
    if (this.#engine?.choice === choice) return this.#engine.engine
    const previous = this.#engine
    const opening = (async () => {
      if (previous) await (await previous.engine.catch(() => null))?.dispose()
      const model = await this.model()
      if (!model) throw new Error(this.#problems.join('\n'))
      const engine = await RemoteEngine.open(model, choice, { threads: this.#threads, entry: this.#workerEntry })
      this.#opened = engine
      return engine
    })()
    this.#engine = { choice, engine: opening }
    opening.catch(() => {
      if (this.#engine?.engine === opening) this.#engine = null
    })
    return opening
  }

  async status(choice: ProviderChoice): Promise<EngineStatus> {
    const model = await this.model()
    let note: string | null = null
    if (model) {
      try {
        await this.engine(choice)
      } catch (error) {
        note = error instanceof Error ? error.message : String(error)
      }
    }
    const engine = this.#opened
    return {
      model: model ? { id: model.manifest.id, name: model.manifest.name, kind: model.manifest.kind } : null,
      modelProblems: [...this.#problems],
      providers: availableProviders(),
      activeProvider: engine?.provider ?? null,
      providerNote: engine?.providerNote ?? note,
    }
  }

  async dispose(): Promise<void> {
    const current = this.#engine
    this.#engine = null
    this.#opened = null
    if (current) await (await current.engine.catch(() => null))?.dispose()
  }
}
