import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeblurEngine, loadModel } from '../../src/main/engine/index.ts'
import { FIXTURE_MODELS, testPhoto } from './engine-test-images.ts'

describe('cancel stops a running deblur', () => {
  let identity: DeblurEngine
  let fidediff: DeblurEngine
  beforeAll(async () => {
    identity = await DeblurEngine.open(await loadModel(join(FIXTURE_MODELS, 'identity')), { provider: 'cpu', threads: 1 })
    fidediff = await DeblurEngine.open(await loadModel(join(FIXTURE_MODELS, 'fidediff-random')), { provider: 'cpu', threads: 1 })
  })
  afterAll(async () => {
    await identity.dispose()
    await fidediff.dispose()
  })

  it('rejects with AbortError after the first tile and runs no more tiles', async () => {
    const controller = new AbortController()
    const done: number[] = []
    let total = 0
    const run = identity.deblur(testPhoto(1001, 667), { t: 'auto', tOffset: 0, tile: 128 }, {
      signal: controller.signal,
      onProgress: (p) => {
        done.push(p.done)
        total = p.total
        controller.abort()
      },
    })
    await expect(run).rejects.toMatchObject({ name: 'AbortError' })
    expect(done).toEqual([1])
    expect(total).toBeGreaterThan(100)
  })

  it('cancels an analysis too, and the engine keeps working afterwards', async () => {
    const controller = new AbortController()
    const photo = testPhoto(300, 200)
    let events = 0
    const run = fidediff.analyze(photo, {
      signal: controller.signal,
      onProgress: () => {
        events++
        controller.abort()
      },
    })
    await expect(run).rejects.toMatchObject({ name: 'AbortError' })
    expect(events).toBe(1)
    const again = await fidediff.analyze(photo)
    expect(again.regions.length).toBeGreaterThan(0)
  })

  it('does not start when the signal is already aborted', async () => {
    let events = 0
    const run = fidediff.deblur(testPhoto(64, 64), { t: 'auto', tOffset: 0 }, { signal: AbortSignal.abort(), onProgress: () => events++ })
    await expect(run).rejects.toMatchObject({ name: 'AbortError' })
    expect(events).toBe(0)
  })

  it('refuses work after dispose()', async () => {
    const e = await DeblurEngine.open(await loadModel(join(FIXTURE_MODELS, 'identity')), { provider: 'cpu', threads: 1 })
    await e.dispose()
    await expect(e.deblur(testPhoto(8, 8), { t: 'auto', tOffset: 0 })).rejects.toThrow(/disposed/)
  })
})
