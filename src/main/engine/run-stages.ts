/**
 * One tile through the manifest's stages (DESIGN.md "Data flow"): tensors are passed by name,
 * and for fidediff models the predicted t̂ (seed §A) becomes the restorer's timestep.
 */
import type { DeblurSettings } from '../../shared/domain.ts'
import { TENSOR, timestepFromNormalized, type ModelManifest, type StageSpec } from '../../shared/model-manifest.ts'
import { throwIfAborted } from './model-error.ts'
import type { StageSessions, TensorValue } from './onnx-sessions.ts'

export interface StageRun {
  tensors: Map<string, TensorValue>
  /** predicted timestep t̂ (rounded), null when the model has no time predictor */
  tHat: number | null
  /** the timestep the restorer ran at, null when no stage took one */
  tUsed: number | null
}

/** t used = (t̂ or the user's t) + offset, rounded and clamped to the manifest's range (seed §A). */
export function timestepToUse(
  manifest: ModelManifest,
  settings: Pick<DeblurSettings, 't' | 'tOffset'>,
  tHat: number | null,
): number | null {
  if (manifest.kind !== 'fidediff') return null
  const base = settings.t === 'auto' ? tHat : settings.t
  if (base === null) return null
  const { min, max } = manifest.timestep
  return Math.min(max, Math.max(min, Math.round(base + settings.tOffset)))
}

function scalarTensor(value: number, spec: StageSpec['inputs'][number]): TensorValue {
  return spec.dtype === 'int64'
    ? { dtype: 'int64', data: BigInt64Array.of(BigInt(value)), dims: [1] }
    : { dtype: 'float32', data: Float32Array.of(value), dims: [1] }
}

export async function runStages(
  sessions: StageSessions,
  manifest: ModelManifest,
  stages: readonly StageSpec[],
  image: TensorValue,
  settings: Pick<DeblurSettings, 't' | 'tOffset'> | null,
  signal: AbortSignal | undefined,
  what: string,
): Promise<StageRun> {
  const tensors = new Map<string, TensorValue>([[TENSOR.image, image]])
  let tHat: number | null = null
  let tUsed: number | null = null
  for (const stage of stages) {
    throwIfAborted(signal, what)
    const timestepInput = stage.inputs.find((i) => i.name === TENSOR.timestep)
    if (timestepInput !== undefined && !tensors.has(TENSOR.timestep)) {
      tUsed = settings === null ? null : timestepToUse(manifest, settings, tHat)
      if (tUsed === null)
        throw new Error(
          `${manifest.id}: stage "${stage.id}" needs the timestep before any stage has output "${TENSOR.timestepNorm}"; give t manually`,
        )
      tensors.set(TENSOR.timestep, scalarTensor(tUsed, timestepInput))
    }
    const outputs = await sessions.run(stage, tensors)
    for (const [name, value] of outputs) tensors.set(name, value)
    const norm = outputs.get(TENSOR.timestepNorm)
    if (norm !== undefined && manifest.kind === 'fidediff') {
      const p = Number(norm.data[0])
      if (!Number.isFinite(p)) throw new Error(`${manifest.id}: stage "${stage.id}" (${stage.file}) gave a non-finite ${TENSOR.timestepNorm}`)
      tHat = timestepFromNormalized(p, manifest.timestep)
    }
  }
  return { tensors, tHat, tUsed }
}
