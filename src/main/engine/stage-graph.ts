/**
 * Which stages a request needs (DESIGN.md "Model contract": stages stay separate graphs so
 * the kernel map and t̂ can be computed without running the restorer).
 */
import { TENSOR, type ModelManifest, type StageSpec } from '../../shared/model-manifest.ts'

/** The stages needed to produce `targets`, in manifest order (the dependency closure by tensor name). */
export function stageClosure(stages: readonly StageSpec[], targets: readonly string[]): StageSpec[] {
  const needed = new Set(targets)
  const chosen = new Set<StageSpec>()
  for (let i = stages.length - 1; i >= 0; i--) {
    const stage = stages[i]!
    if (!stage.outputs.some((o) => needed.has(o.name))) continue
    chosen.add(stage)
    for (const input of stage.inputs) needed.add(input.name)
  }
  return stages.filter((s) => chosen.has(s))
}

/** Stages for a full deblur: the restored image, plus the kernel map and t̂ for fidediff models. */
export function deblurStages(manifest: ModelManifest): StageSpec[] {
  const targets: string[] = [TENSOR.restored]
  if (manifest.kind === 'fidediff') targets.push(TENSOR.kernelMap, TENSOR.timestepNorm)
  return stageClosure(manifest.stages, targets)
}

/** Stages for analysis only: kernel map and t̂, no restoration. */
export function analysisStages(manifest: ModelManifest): StageSpec[] {
  if (manifest.kind !== 'fidediff') throw new Error(`${manifest.id}: analysis needs a fidediff model (this one is ${manifest.kind})`)
  return stageClosure(manifest.stages, [TENSOR.kernelMap, TENSOR.timestepNorm])
}
