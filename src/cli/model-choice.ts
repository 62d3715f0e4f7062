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
