/**
 * Batch options as a schema, so the app's IPC handler can check what the renderer sends with
 * the same rules the CLI applies to its flags, and both start from the same defaults.
 */
import { z } from 'zod'
import type { ModelManifest } from '../../shared/model-manifest.ts'
import { tilePlan } from '../engine/tile-plan.ts'
import { OUTPUT_FORMATS } from '../images/index.ts'
import { COLLISION_POLICIES, type BatchOptions, type OutputOptions } from './batch-types.ts'
import { DEFAULT_TEMPLATE, validateTemplate } from './output-plan.ts'

export function defaultOutputOptions(): OutputOptions {
  return {
    dir: null, format: 'same', nameTemplate: DEFAULT_TEMPLATE, collision: 'number', keepMetadata: true, kernelMap: false,
  }
}

const template = z.string().superRefine((text, ctx) => {
  try {
    validateTemplate(text)
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^--name: /, '') })
  }
})

export const outputOptionsSchema = z.object({
  dir: z.string().min(1).nullable(),
  format: z.enum(['same', ...OUTPUT_FORMATS] as [string, ...string[]]),
  quality: z.number().int().min(1).max(100).optional(),
  bitDepth: z.union([z.literal(8), z.literal(16)]).optional(),
  nameTemplate: template,
  collision: z.enum(COLLISION_POLICIES),
  keepMetadata: z.boolean(),
  kernelMap: z.boolean(),
})

export const batchOptionsSchema = z.object({
  output: outputOptionsSchema,
  settings: z.object({
    t: z.union([z.literal('auto'), z.number().int().min(0)]),
    tOffset: z.number().int().min(-999).max(999),
    tile: z.number().int().min(32).max(4096).optional(),
    upscale: z.number().int().min(1).max(4).optional(),
  }),
  recursive: z.boolean(),
  grid: z.number().int().min(1).max(64).optional(),
  shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }).refine((s) => s.index <= s.count, 'K must be ≤ N').optional(),
  resume: z.boolean().optional(),
  pixelLimit: z.number().int().positive().optional(),
})

/** Validates untrusted options (IPC); throws with the field path of the first problem. */
export function parseBatchOptions(value: unknown): BatchOptions {
  const parsed = batchOptionsSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new Error(`batch options: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  return parsed.data as BatchOptions
}

/**
 * Settings that would fail every photo the same way (a tile too small for the model's
 * overlap, a timestep outside the model's range) are refused once, before the batch starts.
 */
export function checkBatchSettings(manifest: ModelManifest, options: BatchOptions, analyzer: ModelManifest | null = null): void {
  const { settings } = options
  try {
    tilePlan({
      width: 1, height: 1, factor: settings.upscale ?? manifest.upscale.factor, tileSize: settings.tile ?? manifest.tile.size,
      overlap: manifest.tile.overlap, multiple: manifest.tile.multiple,
    })
  } catch (error) {
    throw new Error(`${manifest.id}: ${(error as Error).message}`)
  }
  if (manifest.kind === 'fidediff' && settings.t !== 'auto' && (settings.t < manifest.timestep.min || settings.t > manifest.timestep.max))
    throw new Error(`${manifest.id}: timestep t must be from ${manifest.timestep.min} to ${manifest.timestep.max}, got ${settings.t}`)
  if (analyzer !== null && analyzer.kind !== 'fidediff')
    throw new Error(`${analyzer.id}: analysis needs a fidediff model (this one is ${analyzer.kind})`)
  // DESIGN.md "Model contract": an image-to-image restorer borrows a fidediff model's estimator
  if (options.output.kernelMap && manifest.kind !== 'fidediff' && analyzer === null)
    throw new Error(
      `${manifest.id}: a kernel map needs a fidediff model for the analysis (this one has no kernel estimator) and none is installed`,
    )
}
