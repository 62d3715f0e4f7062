import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeblurEngine, loadModel } from '../../src/main/engine/index.ts'
import { tilePlan } from '../../src/main/engine/tile-plan.ts'
import { FIXTURE_MODELS, maxDifference, testPhoto } from './engine-test-images.ts'

const settings = { t: 'auto', tOffset: 0 } as const

describe('an identity model through the tiler gives the photo back unchanged', () => {
  let engine: DeblurEngine
  beforeAll(async () => {
    engine = await DeblurEngine.open(await loadModel(join(FIXTURE_MODELS, 'identity')), { provider: 'cpu', threads: 1 })
  })
  afterAll(() => engine.dispose())

  it.each([128, 256, 512])('8-bit 1001×667 at tile %i', async (tile) => {
    const photo = testPhoto(1001, 667)
    const result = await engine.deblur(photo, { ...settings, tile })
    expect(result.image).toMatchObject({ width: 1001, height: 667, channels: 3, bitDepth: 8 })
    expect(result.image.data).toBeInstanceOf(Uint8Array)
    expect(maxDifference(result.image, photo)).toBeLessThanOrEqual(1 / 255)
    expect(result.analysis).toBeNull()
    expect(result.tiles.every((t) => t.tHat === null && t.tUsed === null)).toBe(true)
  })

  it.each([128, 256, 512])('16-bit RGBA 1001×667 at tile %i, alpha untouched', async (tile) => {
    const photo = testPhoto(1001, 667, { bitDepth: 16, alpha: true })
    const result = await engine.deblur(photo, { ...settings, tile })
    expect(result.image).toMatchObject({ width: 1001, height: 667, channels: 4, bitDepth: 16 })
    expect(result.image.data).toBeInstanceOf(Uint16Array)
    expect(maxDifference(result.image, photo)).toBeLessThanOrEqual(1 / 255)
    for (let i = 3; i < photo.data.length; i += 4) if (result.image.data[i] !== photo.data[i]) throw new Error(`alpha changed at ${i}`)
  })

  it('handles a photo smaller than one tile and a 1-pixel photo', async () => {
    for (const [w, h] of [[37, 5], [1, 1]] as const) {
      const photo = testPhoto(w, h)
      const result = await engine.deblur(photo, settings)
      expect(result.tiles).toHaveLength(1)
      expect(Array.from(result.image.data)).toEqual(Array.from(photo.data))
    }
  })

  it('reports tiles whose boxes cover the photo once, with progress and ETA per tile', async () => {
    const photo = testPhoto(300, 200)
    const events: { done: number; total: number; etaMs: number }[] = []
    const result = await engine.deblur(photo, settings, { onProgress: (p) => events.push(p) })
    expect(events.map((e) => e.done)).toEqual(result.tiles.map((_, i) => i + 1))
    expect(events.every((e) => e.total === result.tiles.length && e.etaMs >= 0)).toBe(true)
    expect(events[events.length - 1]!.etaMs).toBe(0)
    expect(result.tiles.reduce((a, t) => a + t.box.width * t.box.height, 0)).toBe(300 * 200)
    expect(result.provider).toBe('cpu')
  })

  it('refuses a PixelBuffer whose data does not match its size', async () => {
    const photo = { ...testPhoto(10, 10), width: 11 }
    await expect(engine.deblur(photo, settings)).rejects.toThrow(/expected 11×10×3/)
  })
})

describe('a local filter shows no seams between tiles', () => {
  let engine: DeblurEngine
  beforeAll(async () => {
    engine = await DeblurEngine.open(await loadModel(join(FIXTURE_MODELS, 'local-conv')), { provider: 'cpu', threads: 1 })
  })
  afterAll(() => engine.dispose())

  it('gives the same result at tile 256 and 512 along every tile border (≤ 2/255)', async () => {
    const photo = testPhoto(1001, 667)
    const [small, large, whole] = await Promise.all([
      engine.deblur(photo, { ...settings, tile: 256 }),
      engine.deblur(photo, { ...settings, tile: 512 }),
      engine.deblur(photo, { ...settings, tile: 2048 }), // one tile: no borders at all
    ])
    expect(whole.tiles).toHaveLength(1)
    expect(maxDifference(small.image, photo)).toBeGreaterThan(10 / 255) // the filter really changed the photo
    // pixels within 3 px of any window edge or core boundary of either plan
    const near = new Uint8Array(1001 * 667)
    for (const tile of [256, 512]) {
      const plan = tilePlan({ width: 1001, height: 667, factor: 2, tileSize: tile, overlap: 32, multiple: 8 })
      for (const t of plan.tiles)
        for (const b of [t.window, t.core])
          for (let y = Math.max(0, b.y - 3); y < Math.min(667, b.y + b.height + 3); y++)
            for (let x = Math.max(0, b.x - 3); x < Math.min(1001, b.x + b.width + 3); x++) {
              const inside = x >= b.x + 3 && x < b.x + b.width - 3 && y >= b.y + 3 && y < b.y + b.height - 3
              if (!inside) near[y * 1001 + x] = 1
            }
    }
    const onBorders = (x: number, y: number): boolean => near[y * 1001 + x] === 1
    expect(maxDifference(small.image, large.image, onBorders)).toBeLessThanOrEqual(2 / 255)
    expect(maxDifference(small.image, whole.image)).toBeLessThanOrEqual(2 / 255)
    expect(maxDifference(large.image, whole.image)).toBeLessThanOrEqual(2 / 255)
  })
})
