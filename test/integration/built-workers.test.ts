/**
 * The built app's workers (out/main/engine-worker.js and tile-worker.js, made by
 * `electron-vite build`, which `npm test` runs first) in plain Node: the bundled engine worker
 * starts bundled tile workers, and a multi-tile deblur matches the engine run from source.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { RemoteEngine } from '../../src/main/app/remote-engine.ts'
import { DeblurEngine, loadModel } from '../../src/main/engine/index.ts'
import { FIXTURE_MODELS, testPhoto } from './engine-test-images.ts'

const built = (name: string) => {
  const file = resolve('out/main', name)
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npx electron-vite build\` first (npm test does)`)
  return pathToFileURL(file)
}
let local: DeblurEngine
let remote: RemoteEngine

beforeAll(async () => {
  const model = await loadModel(resolve(FIXTURE_MODELS, 'fidediff-random'))
  local = await DeblurEngine.open(model, { provider: 'cpu', threads: 1, workers: 1 })
  remote = await RemoteEngine.open(model, 'cpu', { threads: 1, entry: built('engine-worker.js'), tileEntry: built('tile-worker.js') })
})
afterAll(async () => {
  await local.dispose()
  await remote.dispose()
})

it('the bundled engine and tile workers deblur a multi-tile photo like the source engine, bit for bit', async () => {
  const photo = testPhoto(421, 263)
  const settings = { t: 'auto', tOffset: 0 } as const
  const a = await local.deblur(photo, settings)
  const b = await remote.deblur(photo, settings)
  expect(a.tiles.length).toBeGreaterThan(6)
  expect(b.tiles).toEqual(a.tiles)
  expect(Buffer.from(b.image.data.buffer).equals(Buffer.from(a.image.data.buffer))).toBe(true)
})
