/** Which model a command runs: --model DIR or ID, else the first fidediff model installed. */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { findModels, loadModel, type LoadedModel } from '../main/engine/index.ts'
import { UsageError } from './args.ts'

export async function chooseModel(spec: string | undefined, kind?: 'fidediff'): Promise<LoadedModel> {
  if (spec !== undefined && existsSync(join(resolve(spec), 'manifest.json'))) return loadModel(resolve(spec))
  const { models, problems } = await findModels()
  const usable = models.filter((m) => kind === undefined || m.manifest.kind === kind)
  if (spec !== undefined) {
    const byId = models.find((m) => m.manifest.id === spec)
    if (byId) return byId
    throw new UsageError(
      `no model "${spec}": not a folder with manifest.json, nor an installed model id (installed: ${
        models.map((m) => m.manifest.id).join(', ') || 'none'
      })`,
    )
  }
  const fidediff = usable.find((m) => m.manifest.kind === 'fidediff') ?? usable[0]
  if (fidediff) return fidediff
  throw new UsageError(
    ['no model found in resources/models (or $FIDEDIFF_MODELS); pass --model DIR', ...problems].join('\n  '),
  )
}

/**
 * The fidediff model whose estimator stages analyse beside an image-to-image `restorer`
 * (DESIGN.md "Model contract"): --analysis-model DIR or ID, else the first fidediff model
 * installed, else null (the caller refuses --kernel-map; a plain deblur still runs).
 * A fidediff restorer analyses itself, so it gets null and --analysis-model is refused.
 */
export async function chooseAnalysisModel(spec: string | undefined, restorer: LoadedModel): Promise<LoadedModel | null> {
  if (restorer.manifest.kind === 'fidediff') {
    if (spec !== undefined)
      throw new UsageError(`--analysis-model: ${restorer.manifest.id} is a fidediff model and analyses itself; the flag is for image-to-image models`)
    return null
  }
  if (spec === undefined) {
    const { models } = await findModels()
    return models.find((m) => m.manifest.kind === 'fidediff') ?? null
  }
  const chosen = await chooseModel(spec)
  if (chosen.manifest.kind !== 'fidediff')
    throw new UsageError(`--analysis-model: ${chosen.manifest.id} is an ${chosen.manifest.kind} model; analysis needs a fidediff model`)
  return chosen
}
