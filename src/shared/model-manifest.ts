/**
 * The model contract: the one schema every model folder's manifest.json must satisfy.
 * The engine validates against it, the Python export (training/export_onnx.py) writes it,
 * and test/unit/model-manifests.test.ts checks every resources/models/*\/manifest.json.
 *
 * A model is a folder: manifest.json + the ONNX files it names. Stages are separate graphs
 * wired by tensor name, so the engine can run only the estimator stages for analysis.
 */
import { z } from 'zod'

/** Tensor names with a meaning fixed by the contract; all other names are stage-private. */
export const TENSOR = {
  /** pipeline input: RGB, NCHW float32, sRGB-encoded values in [0, 1], already upsampled */
  image: 'image',
  /** the timestep the restorer runs at, float32 [1] (predicted t̂ or the user's t, plus offset) */
  timestep: 'timestep',
  /** time predictor T output: float32 [1, 1] in [0, 1] (seed §A), mapped to a timestep */
  timestepNorm: 'timestep_norm',
  /** kernel module M output: float32 [1, m², h, w], each pixel's m×m kernel sums to 1 */
  kernelMap: 'kernel_map',
  /** pipeline output: RGB, NCHW float32 in [0, 1], same size as `image` */
  restored: 'restored',
} as const

export const STAGE_ROLES = [
  'encode',
  'estimate_kernel',
  'predict_timestep',
  'restore',
  'decode',
  'image_to_image',
] as const
export type StageRole = (typeof STAGE_ROLES)[number]

const identifier = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case identifier expected')
/** A file inside the model folder: relative, no traversal, no absolute path. */
const relativeFile = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..'), {
    message: 'must be a relative path inside the model folder',
  })
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lower-case hex digits')
const dim = z.union([z.number().int().positive(), z.string().min(1)])

export const tensorSpecSchema = z.object({
  name: identifier,
  dtype: z.enum(['float32', 'int64']),
  /** numbers are fixed sizes; strings name dynamic axes (e.g. "H", "W") */
  shape: z.array(dim).min(1),
})

export const stageSchema = z.object({
  id: identifier,
  role: z.enum(STAGE_ROLES),
  file: relativeFile,
  sha256,
  inputs: z.array(tensorSpecSchema).min(1),
  outputs: z.array(tensorSpecSchema).min(1),
})

const common = {
  schemaVersion: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case id of letters, digits, . _ -'),
  name: z.string().min(1),
  version: z.string().min(1),
  description: z.string().min(1),
  license: z.object({
    /** SPDX identifier of the weights' licence */
    spdx: z.string().min(1),
    /** attribution for data or upstream weights, shown in the app's About box */
    attribution: z.string().optional(),
    url: z.string().url().optional(),
  }),
  provenance: z.object({
    /** how the weights were made: training run, conversion, upstream release */
    source: z.string().min(1),
    /** data the weights were trained on */
    data: z.string().min(1),
    createdAt: z.iso.datetime({ offset: true }),
    commit: z.string().optional(),
  }),
  /** seed §A: upsample before the model (×2 makes the VAE's d = 8 act as d = 4) */
  upscale: z.object({ factor: z.number().int().min(1).max(4) }),
  tile: z.object({
    /** default tile edge in model-input pixels (after upsampling) */
    size: z.number().int().min(32).max(4096),
    /** overlap between neighbouring tiles in model-input pixels, blended with a smooth window */
    overlap: z.number().int().min(0).max(1024),
    /** tile edges must be a multiple of this (VAE and UNet strides) */
    multiple: z.number().int().min(1).max(512),
  }),
  stages: z.array(stageSchema).min(1),
}

export const fidediffManifestSchema = z.object({
  ...common,
  kind: z.literal('fidediff'),
  vae: z.object({ factor: z.number().int().min(1).max(32), latentChannels: z.number().int().min(1) }),
  kernel: z.object({
    /** m in seed §C: each kernel is m × m */
    size: z.number().int().min(3).max(63).refine((m) => m % 2 === 1, 'kernel size must be odd'),
    /** original-image pixels per kernel tap (M may run below full resolution, DESIGN.md) */
    pixelScale: z.number().positive(),
  }),
  timestep: z.object({
    /** seed §A: the timesteps t = (n − 1) × 20 and their normalised targets */
    values: z.array(z.number().int().min(0)).min(2),
    normalized: z.array(z.number().min(0).max(1)).min(2),
    /** fixed timestep used when prediction is off and the user gives none */
    default: z.number().int().min(0),
    /** valid range of a user-given timestep */
    min: z.number().int().min(0),
    max: z.number().int().min(1),
  }),
  noiseSchedule: z.object({
    type: z.enum(['scaled_linear', 'linear']),
    betaStart: z.number().positive(),
    betaEnd: z.number().positive(),
    trainSteps: z.number().int().positive(),
  }),
})

export const imageToImageManifestSchema = z.object({
  ...common,
  kind: z.literal('image-to-image'),
})

export const modelManifestSchema = z
  .discriminatedUnion('kind', [fidediffManifestSchema, imageToImageManifestSchema])
  .superRefine((m, ctx) => {
    const produced = new Set<string>([TENSOR.image])
    if (m.kind === 'fidediff') produced.add(TENSOR.timestep)
    const ids = new Set<string>()
    m.stages.forEach((stage, i) => {
      if (ids.has(stage.id)) ctx.addIssue({ code: 'custom', path: ['stages', i, 'id'], message: `duplicate stage id "${stage.id}"` })
      ids.add(stage.id)
      stage.inputs.forEach((input, j) => {
        if (!produced.has(input.name))
          ctx.addIssue({
            code: 'custom',
            path: ['stages', i, 'inputs', j, 'name'],
            message: `input "${input.name}" is not produced by an earlier stage`,
          })
      })
      stage.outputs.forEach((o) => produced.add(o.name))
    })
    if (!produced.has(TENSOR.restored))
      ctx.addIssue({ code: 'custom', path: ['stages'], message: `no stage outputs "${TENSOR.restored}"` })
    if (m.tile.overlap * 2 >= m.tile.size)
      ctx.addIssue({ code: 'custom', path: ['tile', 'overlap'], message: 'overlap must be less than half the tile size' })
    if (m.kind === 'fidediff') {
      for (const name of [TENSOR.kernelMap, TENSOR.timestepNorm])
        if (!produced.has(name))
          ctx.addIssue({ code: 'custom', path: ['stages'], message: `a fidediff model needs a stage that outputs "${name}"` })
      if (m.timestep.values.length !== m.timestep.normalized.length)
        ctx.addIssue({ code: 'custom', path: ['timestep', 'normalized'], message: 'needs one entry per timestep value' })
      if (m.timestep.min >= m.timestep.max)
        ctx.addIssue({ code: 'custom', path: ['timestep', 'max'], message: 'must be greater than min' })
    } else if (m.stages.length !== 1 || m.stages[0]?.role !== 'image_to_image') {
      ctx.addIssue({ code: 'custom', path: ['stages'], message: 'an image-to-image model has exactly one stage of role "image_to_image"' })
    }
  })

export type ModelManifest = z.infer<typeof modelManifestSchema>
export type FideDiffManifest = z.infer<typeof fidediffManifestSchema>
export type StageSpec = z.infer<typeof stageSchema>
export type TensorSpec = z.infer<typeof tensorSpecSchema>

/** Readable problems, each naming the field: `stages[2].sha256: sha256 must be …`. */
export function describeManifestIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
      .join('')
    return `${path || '(root)'}: ${issue.message}`
  })
}

/**
 * seed §A: the time predictor's output p ∈ [0, 1] is scaled linearly back to a timestep and
 * rounded. The mapping is the line through the first and last (normalised, timestep) pairs.
 */
export function timestepFromNormalized(p: number, t: FideDiffManifest['timestep']): number {
  const p0 = t.normalized[0]!
  const p1 = t.normalized[t.normalized.length - 1]!
  const t0 = t.values[0]!
  const t1 = t.values[t.values.length - 1]!
  return Math.round(t0 + ((p - p0) * (t1 - t0)) / (p1 - p0))
}
