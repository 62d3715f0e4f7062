/**
 * The batch queue on the app's engine worker (RemoteEngine) instead of a DeblurEngine on the
 * calling thread: same photos, same settings → byte-identical outputs and kernel-map sidecars,
 * broken photos failed with their reason either way.
 */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RemoteEngine } from '../../src/main/app/remote-engine.ts'
import { DeblurEngine, loadModel } from '../../src/main/engine/index.ts'
import { BatchQueue, defaultOutputOptions, type BatchEngine, type BatchOptions } from '../../src/main/jobs/index.ts'
import { makePhoto, snapshot } from './batch-fixtures.ts'

const MODEL = 'test/fixtures/models/fidediff-random'
let work: string
let shoot: string
let local: DeblurEngine
let remote: RemoteEngine

const options = (dir: string): BatchOptions => ({
  output: { ...defaultOutputOptions(), dir, format: 'png', kernelMap: true },
  settings: { t: 'auto', tOffset: 0 },
  recursive: true,
})

async function run(engine: BatchEngine, out: string) {
  const queue = new BatchQueue(engine, options(out))
  await queue.add([shoot])
  return queue.start()
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'batch-remote-'))
  shoot = join(work, 'shoot')
  for (let i = 0; i < 3; i++) await makePhoto(join(shoot, i === 2 ? 'sub' : '', `p${i}.${i === 1 ? 'png' : 'jpg'}`), i)
  await writeFile(join(shoot, 'broken.jpg'), 'not a photo')
  const model = await loadModel(MODEL)
  local = await DeblurEngine.open(model, { provider: 'cpu', threads: 1 })
  remote = await RemoteEngine.open(model, 'cpu', { threads: 1 })
})
afterAll(async () => {
  await Promise.all([local?.dispose(), remote?.dispose()])
  await rm(work, { recursive: true, force: true })
})

describe('a batch on the engine worker', () => {
  it('writes the same outputs and kernel maps as on the calling thread, and fails the broken photo with its reason', async () => {
    const before = await snapshot(shoot)
    const onThread = await run(local, join(work, 'out-thread'))
    const onWorker = await run(remote, join(work, 'out-worker'))
    expect(onWorker.totals).toMatchObject({ files: 4, done: 3, failed: 1 })
    expect(onWorker.files.map((f) => [f.relativePath, f.status, f.provider])).toEqual(onThread.files.map((f) => [f.relativePath, f.status, f.provider]))
    expect(onWorker.files.find((f) => f.status === 'failed')!.reason).toMatch(/broken\.jpg: /)

    const thread = await snapshot(join(work, 'out-thread'))
    const worker = await snapshot(join(work, 'out-worker'))
    const written = [...worker.keys()].filter((f) => !f.startsWith('.')).sort()
    expect(written).toEqual(['p0_deblurred.kernels.json', 'p0_deblurred.kernels.png', 'p0_deblurred.png', 'p1_deblurred.kernels.json', 'p1_deblurred.kernels.png', 'p1_deblurred.png',
      'sub/p2_deblurred.kernels.json', 'sub/p2_deblurred.kernels.png', 'sub/p2_deblurred.png'])
    for (const file of written) expect(worker.get(file), file).toBe(thread.get(file))
    const meta = await sharp(join(work, 'out-worker', 'p0_deblurred.png')).metadata()
    expect([meta.width, meta.height]).toEqual([96, 64])
    const sidecar = JSON.parse(await readFile(join(work, 'out-worker', 'p0_deblurred.kernels.json'), 'utf8')) as { schema: string; tiles: unknown[] | null }
    expect(sidecar.schema).toBe('fidediff-kernel-map/1')
    expect(sidecar.tiles?.length).toBeGreaterThan(0)
    expect(await snapshot(shoot)).toEqual(before)
  })

  it('moves a batch photo’s pixels to the worker instead of copying them on the main thread', async () => {
    const pixels = () => ({ width: 64, height: 48, channels: 3 as const, bitDepth: 8 as const, data: new Uint8Array(64 * 48 * 3).fill(128) })
    const kept = pixels()
    await remote.deblur(kept, { t: 'auto', tOffset: 0 })
    expect(kept.data.byteLength).toBe(64 * 48 * 3)
    const moved = pixels()
    const result = await remote.deblur(moved, { t: 'auto', tOffset: 0 }, { transferInput: true })
    expect(moved.data.byteLength).toBe(0) // detached: it went to the worker
    expect([result.image.width, result.image.height]).toEqual([64, 48])
  })
})
