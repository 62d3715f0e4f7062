/**
 * One pass of tiles over a photo (DESIGN.md "Data flow"): per tile, read RGB (+ resampling
 * margin) → upsample ×f → stages → clamp → downsample → blend into a one-tile-row band; for
 * fidediff models the kernel map and t̂ go into the per-region summary as tiles finish.
 */
import type { DeblurProgress, DeblurSettings, PhotoAnalysis, PixelBuffer, ProviderName, TileReport } from '../../shared/domain.ts'
import { TENSOR, type StageSpec } from '../../shared/model-manifest.ts'
import { BlendBand, cropPlanar, readPlanarRgb } from './blend-band.ts'
import { RegionAccumulator } from './kernel-summary.ts'
import type { LoadedModel } from './load-model.ts'
import { throwIfAborted } from './model-error.ts'
import type { TensorValue } from './onnx-sessions.ts'
import { downsamplePlanar, upsamplePlanar } from './resample.ts'
import type { StageRun } from './run-stages.ts'
import type { TileExecutor } from './tile-executor.ts'
import { axisWeights, tilePlan, type PlannedTile } from './tile-plan.ts'

/** Catmull-Rom reads x[i−1] … x[i+2]: two real pixels around a window make its upsampling match the whole image's. */
const RESAMPLE_MARGIN = 2

export interface TilePassOptions {
  model: LoadedModel
  /** where the tiles run, given how many there are */
  executor: (tiles: number) => Promise<TileExecutor>
  /** the provider that runs the stages, for the analysis report */
  provider: ProviderName
  stages: readonly StageSpec[]
  /** null: analysis only (no timestep, no restored image) */
  settings: DeblurSettings | null
  factor: number
  tileSize: number
  grid: number
  signal?: AbortSignal | undefined
  onProgress?: ((p: DeblurProgress) => void) | undefined
  what: string
}

export interface TilePassResult {
  image: PixelBuffer | null
  tiles: TileReport[]
  analysis: PhotoAnalysis | null
}

function modelInput(image: PixelBuffer, tile: PlannedTile, factor: number): TensorValue {
  const { window } = tile
  const m = factor > 1 ? RESAMPLE_MARGIN : 0
  const padded = { x: window.x - m, y: window.y - m, width: window.width + 2 * m, height: window.height + 2 * m }
  const up = upsamplePlanar(readPlanarRgb(image, padded), 3, padded.width, padded.height, factor)
  const crop = { x: factor * m, y: factor * m, width: factor * window.width, height: factor * window.height }
  const data = cropPlanar(up, 3, factor * padded.width, factor * padded.height, crop)
  return { dtype: 'float32', data, dims: [1, 3, crop.height, crop.width] }
}

type FloatTensor = Extract<TensorValue, { dtype: 'float32' }>

/** A named output checked against the shape the pipeline needs (−1 = any size). */
function floatOutput(tensors: Map<string, TensorValue>, name: string, expected: number[], tileWhere: string, stages: readonly StageSpec[]): FloatTensor {
  const value = tensors.get(name)
  if (value === undefined) throw new Error(`${tileWhere}: no stage produced "${name}"`)
  const producer = stages.find((s) => s.outputs.some((o) => o.name === name))
  const where = producer ? `${tileWhere}, stage "${producer.id}" (${producer.file})` : tileWhere
  if (value.dtype !== 'float32') throw new Error(`${where}: "${name}" must be float32, got ${value.dtype}`)
  const ok = value.dims.length === expected.length && expected.every((d, i) => d < 0 || value.dims[i] === d)
  if (!ok) throw new Error(`${where}: "${name}" has shape [${value.dims.join(', ')}], expected [${expected.map((d) => (d < 0 ? '?' : d)).join(', ')}]`)
  return value
}

export async function runTilePass(image: PixelBuffer, o: TilePassOptions): Promise<TilePassResult> {
  const { manifest } = o.model
  const started = performance.now()
  const plan = tilePlan({
    width: image.width,
    height: image.height,
    factor: o.factor,
    tileSize: o.tileSize,
    overlap: manifest.tile.overlap,
    multiple: manifest.tile.multiple,
  })
  const restoring = o.settings !== null
  const output: PixelBuffer | null = restoring
    ? { ...image, data: image.bitDepth === 16 ? new Uint16Array(image.data.length) : new Uint8Array(image.data.length) }
    : null
  const band = output === null ? null : new BlendBand(image, output)
  const regions = manifest.kind === 'fidediff' ? new RegionAccumulator(image.width, image.height, o.grid, manifest.kernel.size) : null
  const colWeights = plan.cols.map(axisWeights)
  const rowWeights = plan.rows.map(axisWeights)
  const reports: TileReport[] = []

  // up to `parallel` tiles in flight; results are consumed in plan order, so the blend band and
  // the region summary see exactly the sequence a one-by-one pass gives
  const executor = await o.executor(plan.tiles.length)
  const inFlight: Promise<StageRun>[] = []
  const launch = (tile: PlannedTile): void => {
    const run = executor.run(o.stages, modelInput(image, tile, o.factor), o.settings, o.signal, o.what)
    run.catch(() => undefined) // awaited in order below; a pass that stops early must not leave it unhandled
    inFlight.push(run)
  }
  for (const tile of plan.tiles) {
    throwIfAborted(o.signal, o.what)
    while (inFlight.length < executor.parallel && tile.index + inFlight.length < plan.tiles.length)
      launch(plan.tiles[tile.index + inFlight.length]!)
    const run = await inFlight.shift()!
    throwIfAborted(o.signal, o.what)
    const where = `${manifest.id}: tile ${tile.index + 1}/${plan.tiles.length}`
    const row = plan.rows[tile.row]!
    if (tile.col === 0) band?.moveTo(row.start, Math.min(row.start + row.size, image.height))
    const wx = colWeights[tile.col]!
    const wy = rowWeights[tile.row]!
    const { window } = tile
    const modelW = o.factor * window.width
    const modelH = o.factor * window.height

    if (band !== null) {
      const restored = floatOutput(run.tensors, TENSOR.restored, [1, 3, modelH, modelW], where, o.stages)
      band.add(downsamplePlanar(restored.data, 3, modelW, modelH, o.factor), window, wx, wy)
    }
    if (regions !== null && manifest.kind === 'fidediff') {
      const map = floatOutput(run.tensors, TENSOR.kernelMap, [1, manifest.kernel.size ** 2, -1, -1], where, o.stages)
      const [h, w] = [map.dims[2]!, map.dims[3]!]
      // a cell's stride in original px: model px per cell (e.g. 8) over the upscale factor
      const strides = { strideX: window.width / w, strideY: window.height / h }
      regions.addKernelMap({ data: map.data, h, w, window, ...strides, weightX: wx, weightY: wy })
      if (run.tHat === null) throw new Error(`${where}: no stage produced "${TENSOR.timestepNorm}"`)
      regions.addTimestep(run.tHat, window, wx, wy)
    }

    const report: TileReport = { index: tile.index, box: tile.core, tHat: run.tHat, tUsed: restoring ? run.tUsed : null }
    reports.push(report)
    const elapsedMs = performance.now() - started
    const done = reports.length
    o.onProgress?.({ done, total: plan.tiles.length, tile: report, elapsedMs, etaMs: (elapsedMs / done) * (plan.tiles.length - done) })
  }
  band?.finish()

  let analysis: PhotoAnalysis | null = null
  if (regions !== null && manifest.kind === 'fidediff')
    analysis = regions.finish(
      {
        // taps are pixels of the kernel map; a different upscale than the manifest's rescales them
        kernelPixelScale: (manifest.kernel.pixelScale * manifest.upscale.factor) / o.factor,
        timestepRange: { min: manifest.timestep.min, max: manifest.timestep.max },
        model: manifest.id,
        provider: o.provider,
      },
      manifest.timestep.default,
    )
  return { image: output, tiles: reports, analysis }
}
