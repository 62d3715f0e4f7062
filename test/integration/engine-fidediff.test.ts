import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeblurEngine, loadModel, type LoadedModel } from '../../src/main/engine/index.ts'
import { analysisStages, deblurStages, stageClosure } from '../../src/main/engine/stage-graph.ts'
import type { FideDiffManifest } from '../../src/shared/model-manifest.ts'
import { FIXTURE_MODELS, maxDifference, testPhoto } from './engine-test-images.ts'

let model: LoadedModel
let engine: DeblurEngine
let range: FideDiffManifest['timestep']
const photo = testPhoto(300, 200, { alpha: true })

beforeAll(async () => {
  model = await loadModel(join(FIXTURE_MODELS, 'fidediff-random'))
  if (model.manifest.kind !== 'fidediff') throw new Error('fixture is not a fidediff model')
  range = model.manifest.timestep
  engine = await DeblurEngine.open(model, { provider: 'cpu', threads: 1 })
})
afterAll(() => engine.dispose())

describe('the staged FideDiff pipeline deblurs a photo and explains it', () => {
  it('returns a same-size photo with t̂ per tile inside the model’s timestep range', async () => {
    const result = await engine.deblur(photo, { t: 'auto', tOffset: 0 })
    expect(result.image).toMatchObject({ width: 300, height: 200, channels: 4, bitDepth: 8 })
    for (let i = 3; i < photo.data.length; i += 4) if (result.image.data[i] !== photo.data[i]) throw new Error('alpha changed')
    expect(maxDifference(result.image, photo)).toBeGreaterThan(0) // the restorer's output, not a copy
    expect(result.tiles).toHaveLength(6) // 128 px windows (256 model px at ×2) over 300×200
    const tHats = result.tiles.map((t) => t.tHat!)
    for (const t of tHats) {
      expect(Number.isInteger(t)).toBe(true)
      expect(t).toBeGreaterThanOrEqual(range.min)
      expect(t).toBeLessThanOrEqual(range.max)
    }
    expect(new Set(tHats).size).toBeGreaterThan(1) // t̂ is predicted per tile, not a constant
    expect(result.tiles.map((t) => t.tUsed)).toEqual(tHats)
  })

  it('summarises kernels and t̂ for regions that cover the photo, each kernel summing to 1', async () => {
    const { analysis } = await engine.deblur(photo, { t: 'auto', tOffset: 0 }, { grid: 6 })
    expect(analysis).not.toBeNull()
    const a = analysis!
    expect([a.width, a.height, a.cols, a.rows]).toEqual([300, 200, 6, 4])
    expect(a.regions).toHaveLength(24)
    expect(a.regions.reduce((s, r) => s + r.box.width * r.box.height, 0)).toBe(300 * 200)
    expect(a.kernelPixelScale).toBe(4)
    expect(a).toMatchObject({ model: 'fidediff-random', provider: 'cpu', timestepRange: { min: 0, max: 999 } })
    for (const r of a.regions) {
      expect(r.kernel.size).toBe(19)
      expect(r.kernel.taps).toHaveLength(361)
      expect(Math.abs(r.kernel.taps.reduce((s, v) => s + v) - 1)).toBeLessThanOrEqual(1e-4)
      expect(r.kernel.directionDeg).toBeGreaterThanOrEqual(0)
      expect(r.kernel.directionDeg).toBeLessThan(180)
      expect(r.kernel.lengthPx).toBeGreaterThan(0)
      expect(r.tHat).toBeGreaterThanOrEqual(range.min)
      expect(r.tHat).toBeLessThanOrEqual(range.max)
    }
  })

  it('runs the restorer at the user’s t plus offset, clamped to the model’s range', async () => {
    const manual = await engine.deblur(photo, { t: 150, tOffset: 10 })
    expect(manual.tiles.every((t) => t.tUsed === 160)).toBe(true)
    const auto = await engine.deblur(photo, { t: 'auto', tOffset: 5 })
    expect(auto.tiles.every((t) => t.tUsed === t.tHat! + 5)).toBe(true)
    const clamped = await engine.deblur(photo, { t: 990, tOffset: 100 })
    expect(clamped.tiles.every((t) => t.tUsed === range.max)).toBe(true)
    // the timestep really reaches the restorer: a different t gives a different photo
    const low = await engine.deblur(photo, { t: 0, tOffset: 0 })
    expect(maxDifference(low.image, clamped.image)).toBeGreaterThan(2 / 255)
  })

  it('analyze() runs only the kernel estimator and time predictor, and agrees with deblur()', async () => {
    expect(analysisStages(model.manifest).map((s) => s.id)).toEqual(['kernel_estimator', 'time_predictor'])
    expect(deblurStages(model.manifest).map((s) => s.id)).toEqual(['encoder', 'kernel_estimator', 'time_predictor', 'restorer', 'decoder'])
    expect(stageClosure(model.manifest.stages, ['latent']).map((s) => s.id)).toEqual(['encoder'])

    // one worker: the tiles run on the engine's own sessions, whose opened stages it reports
    const fresh = await DeblurEngine.open(model, { provider: 'cpu', threads: 1, workers: 1 })
    try {
      const analysis = await fresh.analyze(photo, { grid: 6 })
      expect(fresh.openedStages.sort()).toEqual(['kernel_estimator', 'time_predictor'])
      const { analysis: fromDeblur } = await engine.deblur(photo, { t: 'auto', tOffset: 0 }, { grid: 6 })
      expect(analysis.regions.map((r) => r.tHat)).toEqual(fromDeblur!.regions.map((r) => r.tHat))
      analysis.regions.forEach((r, i) => expect(r.kernel.directionDeg).toBeCloseTo(fromDeblur!.regions[i]!.kernel.directionDeg, 4))
    } finally {
      await fresh.dispose()
    }
  })

  it('deblurs just a region for a preview, returning that box', async () => {
    const box = { x: 100, y: 50, width: 64, height: 40 }
    const region = await engine.deblurRegion(photo, box, { t: 200, tOffset: 0 })
    expect(region.box).toEqual(box)
    expect(region.image).toMatchObject({ width: 64, height: 40, channels: 4, bitDepth: 8 })
    expect(region.tiles.length).toBeGreaterThan(0)
    for (const t of region.tiles) {
      expect(t.box.x).toBeGreaterThanOrEqual(box.x)
      expect(t.box.x + t.box.width).toBeLessThanOrEqual(box.x + box.width)
    }
    await expect(engine.deblurRegion(photo, { x: 290, y: 0, width: 20, height: 10 }, { t: 200, tOffset: 0 })).rejects.toThrow(
      /not inside the 300×200 image/,
    )
  })

  it('names the model and stage file when an ONNX stage fails', async () => {
    const broken: LoadedModel = structuredClone(model)
    // time_predictor's file swapped for the encoder graph: its input names no longer match
    broken.manifest.stages[2]!.file = 'encoder.onnx'
    broken.dir = model.dir
    for (const workers of [1, 2]) {
      const e = await DeblurEngine.open(broken, { provider: 'cpu', threads: 1, workers })
      try {
        await expect(e.analyze(photo)).rejects.toThrow(/fidediff-random: stage "time_predictor" \(encoder\.onnx\)/)
      } finally {
        await e.dispose()
      }
    }
  })

  it('names the stage whose output has the wrong size (a manifest promising the wrong tile multiple)', async () => {
    const wrong: LoadedModel = structuredClone(model)
    wrong.manifest.tile.multiple = 4 // the VAE needs 8: a 30×18 photo becomes a 60×36 input, decoded to 56×32
    const e = await DeblurEngine.open(wrong, { provider: 'cpu', threads: 1 })
    try {
      await expect(e.deblur(testPhoto(30, 18), { t: 'auto', tOffset: 0 })).rejects.toThrow(
        /fidediff-random: tile 1\/1, stage "decoder" \(decoder\.onnx\): "restored" has shape \[1, 3, 32, 56\], expected \[1, 3, 36, 60\]/,
      )
    } finally {
      await e.dispose()
    }
  })
})
