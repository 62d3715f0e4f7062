/**
 * The rows of the quality table (issue 6): what restores each pair. Full-image rows run on the
 * whole 512² pair; crop rows (MAXIM-3S, ~30 s per 256² tile on this CPU) run on the pair's
 * centre crop only, and the MAXIM table scores every row on that same crop.
 */
import type { PhotoAnalysis, PixelBuffer } from '../../src/shared/domain.ts'
import type { DeblurEngine } from '../../src/main/engine/index.ts'
import { deconvolveWithKernelMap } from './deconvolve.ts'
import type { MaximTfjsRunner } from './maxim-tfjs.ts'
import type { OutputStore } from './output-store.ts'
import type { BenchPair } from './pairs.ts'

export const ROW_GROUPS = ['blurry', 'rl', 'oracle', 'fidediff', 'maxim-ort', 'maxim-tfjs'] as const
export type RowGroup = (typeof ROW_GROUPS)[number]

export interface Row {
  group: RowGroup
  /** cache folder name: what restores + the model version */
  key: string
  label: string
  /** runs on the centre crop of the first pairs only */
  crop: boolean
  restore(pair: BenchPair, input: PixelBuffer): Promise<PixelBuffer>
}

export function centreCrop(image: PixelBuffer, size: number): PixelBuffer {
  const s = Math.min(size, image.width, image.height)
  const x0 = (image.width - s) >> 1
  const y0 = (image.height - s) >> 1
  const { channels } = image
  const data = new Uint8Array(s * s * channels)
  for (let y = 0; y < s; y++) data.set(image.data.subarray(((y0 + y) * image.width + x0) * channels, ((y0 + y) * image.width + x0 + s) * channels), y * s * channels)
  return { width: s, height: s, channels, bitDepth: 8, data }
}

/** Stored per pair under the analysis key: t̂ and kernels per region, for RL and the t̂ MAE. */
export type StoredAnalysis = PhotoAnalysis & { seconds: number }

/** The FideDiff estimator's analysis of a pair, computed once and kept in the store. */
export function analysisSource(engine: DeblurEngine, store: OutputStore, key: string, grid: number) {
  return async (pair: BenchPair): Promise<StoredAnalysis> => {
    if (store.has(key, pair.id)) return store.readJson<StoredAnalysis>(key, pair.id)
    const started = performance.now()
    const analysis = await engine.analyze(pair.blurryPixels, { grid })
    const stored = { ...analysis, seconds: (performance.now() - started) / 1000 }
    store.saveJson(key, pair.id, stored)
    return stored
  }
}

export function blurryRow(): Row {
  return { group: 'blurry', key: 'blurry', label: 'blurry input', crop: false, restore: async (_pair, input) => input }
}

export function richardsonLucyRow(
  tag: string,
  analysisOf: (pair: BenchPair) => Promise<StoredAnalysis>,
  iterations: number,
): Row {
  return {
    group: 'rl',
    key: `rl${iterations}--${tag}`,
    label: `Richardson–Lucy ×${iterations}, model's kernels`,
    crop: false,
    restore: async (pair, input) => deconvolveWithKernelMap(input, await analysisOf(pair), { method: 'richardson-lucy', iterations }),
  }
}

/** Oracle: RL with the synthesis' own kernels — the ceiling for a perfect kernel estimator. */
export function oracleRow(iterations: number, pixelScale: number): Row {
  return {
    group: 'oracle',
    key: `rl${iterations}--true-kernels`,
    label: `Richardson–Lucy ×${iterations}, true kernels (oracle)`,
    crop: false,
    restore: async (pair, input) =>
      deconvolveWithKernelMap(
        input,
        {
          width: input.width,
          height: input.height,
          cols: Math.round(Math.sqrt(pair.trueRegions.length)),
          rows: Math.round(Math.sqrt(pair.trueRegions.length)),
          regions: pair.trueRegions,
          kernelPixelScale: pixelScale,
          timestepRange: { min: 0, max: 999 },
          model: 'synthesis',
          provider: 'cpu',
        },
        { method: 'richardson-lucy', iterations },
      ),
  }
}

export function fideDiffRow(engine: DeblurEngine, tag: string, t: 'auto' | 'true' | number): Row {
  const what = t === 'auto' ? 't̂' : t === 'true' ? 'true t' : `t = ${t}`
  return {
    group: 'fidediff',
    key: `fidediff-t${t}--${tag}`,
    label: `${engine.model.manifest.name} at ${what}`,
    crop: false,
    restore: async (pair, input) => (await engine.deblur(input, { t: t === 'true' ? pair.t : t, tOffset: 0 })).image,
  }
}

export function maximOrtRow(engine: DeblurEngine, tag: string): Row {
  return {
    group: 'maxim-ort',
    key: `maxim-ort--${tag}`,
    label: `MAXIM-3S (ONNX Runtime ${engine.provider}, tiles ${engine.model.manifest.tile.size})`,
    crop: true,
    restore: async (_pair, input) => (await engine.deblur(input, { t: 'auto', tOffset: 0 })).image,
  }
}

export function maximTfjsRow(runner: MaximTfjsRunner): Row {
  return {
    group: 'maxim-tfjs',
    key: `maxim-tfjs--${runner.version}`,
    label: runner.label,
    crop: true,
    restore: (_pair, input) => runner.restore(input),
  }
}
