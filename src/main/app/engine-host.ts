/**
 * The main process holds the ONNX sessions (DESIGN.md) — in engine worker threads (see
 * engine-protocol.ts). The user picks the restoring model (settings.model; null = the first
 * fidediff model found). Analysis — the t̂ heatmap and kernel glyphs — always comes from a
 * fidediff model's estimator stages (DESIGN.md "Model contract"): the restorer itself when it
 * is fidediff, else the first fidediff model, opened in a second worker. Engines are opened on
 * first use and reopened when the provider or the model changes.
 */
import type { ProviderChoice, ProviderName } from '../../shared/domain.ts'
import type { AppInfo, ModelInfo } from '../../shared/ipc-contract.ts'
import { missingModelHints } from '../../shared/model-hints.ts'
import { fixedInputSize } from '../engine/deblur-engine.ts'
import { availableProviders, findModels, type LoadedModel } from '../engine/index.ts'
import { RemoteEngine } from './remote-engine.ts'

/** AppInfo less what the app itself knows (version, platform). */
export type EngineStatus = Omit<AppInfo, 'version' | 'platform'>

/** What the user chose: the provider, and the restoring model's id (null = the default). */
export interface EngineSelection {
  provider: ProviderChoice
  model: string | null
}

interface Chosen {
  restorer: LoadedModel | null
  analyzer: LoadedModel | null
  problems: string[]
}

export function modelInfo(model: LoadedModel): ModelInfo {
  const { id, name, kind, license } = model.manifest
  return {
    id, name, kind,
    license: { spdx: license.spdx, attribution: license.attribution ?? null, url: license.url ?? null },
    fixedTile: fixedInputSize(model),
  }
}

const engineKey = (model: LoadedModel, provider: ProviderChoice): string => `${provider}\n${model.dir}`

export class EngineHost {
  readonly #modelDirs: string[] | undefined
  readonly #threads: number | undefined
  readonly #workerEntry: URL | undefined
  readonly #tileWorkerEntry: URL | undefined
  #catalog: Promise<{ models: LoadedModel[]; problems: string[] }> | null = null
  readonly #engines = new Map<string, Promise<RemoteEngine>>()
  /** engines no longer chosen, being disposed; a new one opens after them (memory, GPU) */
  #releasing: Promise<unknown> = Promise.resolve()

  /**
   * `modelDirs` overrides the engine's defaultModelDirs() (tests, packaged resources);
   * `workerEntry` and `tileWorkerEntry` are the bundled engine-worker.js and tile-worker.js of the built app.
   */
  constructor(options: { modelDirs?: string[]; threads?: number; workerEntry?: URL; tileWorkerEntry?: URL } = {}) {
    this.#modelDirs = options.modelDirs
    this.#threads = options.threads
    this.#workerEntry = options.workerEntry
    this.#tileWorkerEntry = options.tileWorkerEntry
  }

  /** Every installed model (found once) and why a folder was refused. */
  catalog(): Promise<{ models: LoadedModel[]; problems: string[] }> {
    this.#catalog ??= (async () => {
      const { models, problems } = await findModels(this.#modelDirs)
      if (models.length === 0)
        problems.push(
          `no model found in ${(this.#modelDirs ?? ['resources/models']).join(', ')}: a model is a folder with manifest.json and its ONNX files`,
        )
      return { models, problems }
    })()
    return this.#catalog
  }

  /** Throws a message naming the installed models when `id` is not one of them (settings:update). */
  async checkModelId(id: string): Promise<LoadedModel> {
    const { models } = await this.catalog()
    const found = models.find((m) => m.manifest.id === id)
    if (!found) throw new Error(`no installed model "${id}" (installed: ${models.map((m) => m.manifest.id).join(', ') || 'none'})`)
    return found
  }

  /** The restorer for `modelId` (a missing one falls back to the default, with a note) and its analyzer. */
  async choose(modelId: string | null): Promise<Chosen> {
    const { models } = await this.catalog()
    const problems: string[] = []
    const firstFidediff = models.find((m) => m.manifest.kind === 'fidediff') ?? null
    let restorer = modelId === null ? null : (models.find((m) => m.manifest.id === modelId) ?? null)
    if (modelId !== null && !restorer) problems.push(`the chosen model "${modelId}" is no longer installed; using the default`)
    restorer ??= firstFidediff ?? models[0] ?? null
    const analyzer = restorer?.manifest.kind === 'fidediff' ? restorer : firstFidediff
    if (restorer && !analyzer) problems.push(`${restorer.manifest.id} restores only: install a fidediff model for the t̂ and kernel overlays`)
    return { restorer, analyzer, problems }
  }

  /** The engine that restores for `selection`, opening (or reopening after a change) as needed. */
  async restorer(selection: EngineSelection): Promise<RemoteEngine> {
    const chosen = await this.choose(selection.model)
    if (!chosen.restorer) throw new Error((await this.catalog()).problems.join('\n'))
    return this.#engineFor(chosen.restorer, chosen, selection.provider)
  }

  /** The fidediff engine that analyses for `selection` (the restorer's own when it is fidediff); null when none is installed. */
  async analyzer(selection: EngineSelection): Promise<RemoteEngine | null> {
    const chosen = await this.choose(selection.model)
    return chosen.analyzer ? this.#engineFor(chosen.analyzer, chosen, selection.provider) : null
  }

  #engineFor(model: LoadedModel, chosen: Chosen, provider: ProviderChoice): Promise<RemoteEngine> {
    const keep = new Set([chosen.restorer, chosen.analyzer].flatMap((m) => (m ? [engineKey(m, provider)] : [])))
    const stale = [...this.#engines].filter(([key]) => !keep.has(key))
    for (const [key] of stale) this.#engines.delete(key)
    if (stale.length) {
      const disposing = Promise.allSettled(stale.map(async ([, engine]) => (await engine.catch(() => null))?.dispose()))
      this.#releasing = Promise.allSettled([this.#releasing, disposing])
    }
    const key = engineKey(model, provider)
    const existing = this.#engines.get(key)
    if (existing) return existing
    const released = this.#releasing
    const opening = (async () => {
      await released
      return RemoteEngine.open(model, provider, { threads: this.#threads, entry: this.#workerEntry, tileEntry: this.#tileWorkerEntry })
    })()
    this.#engines.set(key, opening)
    opening.catch(() => {
      if (this.#engines.get(key) === opening) this.#engines.delete(key)
    })
    return opening
  }

  async status(selection: EngineSelection): Promise<EngineStatus> {
    const { models, problems } = await this.catalog()
    const chosen = await this.choose(selection.model)
    let engine: RemoteEngine | null = null
    let note: string | null = null
    if (chosen.restorer) {
      try {
        engine = await this.restorer(selection)
      } catch (error) {
        note = error instanceof Error ? error.message : String(error)
      }
    }
    return {
      restorer: chosen.restorer ? modelInfo(chosen.restorer) : null,
      analyzer: chosen.analyzer ? modelInfo(chosen.analyzer) : null,
      models: models.map(modelInfo),
      modelHints: missingModelHints(models.map((m) => m.manifest.id)),
      modelProblems: [...problems, ...chosen.problems],
      providers: availableProviders(),
      activeProvider: engine?.provider ?? null,
      providerNote: engine?.providerNote ?? note,
    }
  }

  async dispose(): Promise<void> {
    const engines = [...this.#engines.values()]
    this.#engines.clear()
    await Promise.allSettled([this.#releasing, ...engines.map(async (e) => (await e.catch(() => null))?.dispose())])
  }
}
