import { readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeblurEngine, loadModel } from '../../src/main/engine/index.ts'
import { fixedInputSize } from '../../src/main/engine/deblur-engine.ts'
import { FIXTURE_MODELS, copyFixtureModel } from './engine-test-images.ts'

// A graph converted for one input size (MAXIM-3S runs only 256×256) declares numeric H and W;
// the identity fixture stands in for it with its manifest saying so.
let dir = ''
beforeAll(async () => {
  dir = await copyFixtureModel('identity')
  const file = join(dir, 'manifest.json')
  const manifest = JSON.parse(await readFile(file, 'utf8'))
  manifest.tile = { size: 64, overlap: 8, multiple: 64 }
  for (const spec of [...manifest.stages[0].inputs, ...manifest.stages[0].outputs]) spec.shape = [1, 3, 64, 64]
  await writeFile(file, JSON.stringify(manifest))
})
afterAll(async () => {
  await rm(dirname(dir), { recursive: true, force: true })
})

const photo = { width: 90, height: 50, channels: 3 as const, bitDepth: 8 as const, data: new Uint8Array(90 * 50 * 3).map((_, i) => (i * 37) % 251) }

describe('a model with a fixed input size', () => {
  it('is recognised by its numeric input shape, and dynamic models are not', async () => {
    expect(fixedInputSize(await loadModel(dir))).toBe(64)
    expect(fixedInputSize(await loadModel(join(FIXTURE_MODELS, 'fidediff-random')))).toBeNull()
  })

  it('restores a photo with its own tile size', async () => {
    const engine = await DeblurEngine.open(await loadModel(dir))
    const result = await engine.deblur(photo, { t: 'auto', tOffset: 0 })
    expect(Buffer.from(result.image.data).equals(Buffer.from(photo.data))).toBe(true)
    await engine.dispose()
  })

  it('refuses another tile size or upscale factor with a message saying why', async () => {
    const engine = await DeblurEngine.open(await loadModel(dir))
    await expect(engine.deblur(photo, { t: 'auto', tOffset: 0, tile: 128 })).rejects.toThrow(/only runs 64×64 tiles/)
    await expect(engine.deblur(photo, { t: 'auto', tOffset: 0, upscale: 1 })).rejects.toThrow(/runs at ×2 only/)
    await engine.dispose()
  })
})
