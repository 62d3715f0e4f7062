import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tileWorkerPlan } from '../../src/main/engine/deblur-engine.ts'
import { DeblurEngine, loadModel, type LoadedModel } from '../../src/main/engine/index.ts'
import { TileWorkerPool } from '../../src/main/engine/tile-worker-pool.ts'
import { FIXTURE_MODELS, testPhoto } from './engine-test-images.ts'

const settings = { t: 'auto', tOffset: 0 } as const

describe('tile workers', () => {
  it('split the cores: one worker per core up to 4 and as many as half the memory holds, the threads shared among them', () => {
    const GiB = 2 ** 30
    const tiny = 17e6 // FideDiff-Tiny's ONNX bytes
    const maxim = 92e6 // MAXIM-3S
    expect(tileWorkerPlan({ cores: 2, memoryBytes: 24 * GiB }, tiny, {})).toEqual({ workers: 2, threads: 1 })
    expect(tileWorkerPlan({ cores: 1, memoryBytes: 24 * GiB }, tiny, {})).toEqual({ workers: 1, threads: 1 })
    expect(tileWorkerPlan({ cores: 16, memoryBytes: 24 * GiB }, tiny, {})).toEqual({ workers: 4, threads: 4 })
    expect(tileWorkerPlan({ cores: 8, memoryBytes: 24 * GiB }, tiny, { workers: 1 })).toEqual({ workers: 1, threads: 8 })
    expect(tileWorkerPlan({ cores: 8, memoryBytes: 24 * GiB }, tiny, { workers: 3, threads: 1 })).toEqual({ workers: 3, threads: 1 })
    // half of a 2 GiB machine holds one FideDiff-Tiny worker (≈ 600 MiB each by the estimate), half of 3 GiB two
    expect(tileWorkerPlan({ cores: 8, memoryBytes: 2 * GiB }, tiny, {})).toEqual({ workers: 1, threads: 8 })
    expect(tileWorkerPlan({ cores: 8, memoryBytes: 3 * GiB }, tiny, {})).toEqual({ workers: 2, threads: 4 })
    // a large model runs one tile at a time on every thread, unless asked otherwise
    expect(tileWorkerPlan({ cores: 8, memoryBytes: 64 * GiB }, maxim, {})).toEqual({ workers: 1, threads: 8 })
    expect(tileWorkerPlan({ cores: 8, memoryBytes: 64 * GiB }, maxim, { workers: 2 })).toEqual({ workers: 2, threads: 4 })
  })

  describe('give the same photo, t̂ and kernels as tiles run one by one', () => {
    let model: LoadedModel
    let serial: DeblurEngine
    let parallel: DeblurEngine
    beforeAll(async () => {
      model = await loadModel(join(FIXTURE_MODELS, 'fidediff-random'))
      serial = await DeblurEngine.open(model, { provider: 'cpu', threads: 1, workers: 1 })
      parallel = await DeblurEngine.open(model, { provider: 'cpu', threads: 1, workers: 3 })
    })
    afterAll(async () => {
      await serial.dispose()
      await parallel.dispose()
    })

    it('reports how many tiles run at once', () => {
      expect(serial.tileWorkers).toBe(1)
      expect(parallel.tileWorkers).toBe(3)
    })

    it.each([8, 16] as const)('%i-bit RGBA photo of 11 tiles, bit for bit', async (bitDepth) => {
      const photo = testPhoto(421, 263, { bitDepth, alpha: true })
      const progress: number[] = []
      const a = await serial.deblur(photo, settings, { grid: 5 })
      const b = await parallel.deblur(photo, settings, { grid: 5, onProgress: (p) => progress.push(p.done) })
      expect(a.tiles.length).toBeGreaterThan(6)
      expect(progress).toEqual(a.tiles.map((_, i) => i + 1))
      expect(b.tiles).toEqual(a.tiles)
      expect(b.analysis).toEqual(a.analysis)
      expect(Buffer.from(b.image.data.buffer).equals(Buffer.from(a.image.data.buffer))).toBe(true)
    })

    it('analysis alone matches as well', async () => {
      const photo = testPhoto(400, 300)
      expect(await parallel.analyze(photo, { grid: 4 })).toEqual(await serial.analyze(photo, { grid: 4 }))
    })

    it('cancel stops the pass with no output, and the engine keeps working', async () => {
      const photo = testPhoto(600, 400)
      const controller = new AbortController()
      const pass = parallel.deblur(photo, settings, { signal: controller.signal, onProgress: (p) => p.done === 2 && controller.abort() })
      await expect(pass).rejects.toMatchObject({ name: 'AbortError' })
      const again = await parallel.deblur(photo, settings)
      expect(again.image.width).toBe(600)
    })
  })

  it('a model folder that breaks after the engine opened fails with a message naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fidediff-workers-'))
    try {
      await cp(join(FIXTURE_MODELS, 'fidediff-random'), dir, { recursive: true })
      const model = await loadModel(dir)
      await rm(join(dir, model.manifest.stages[0]!.file))
      await expect(TileWorkerPool.open(model, { workers: 2, threads: 1 })).rejects.toThrow(new RegExp(model.manifest.stages[0]!.file))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
