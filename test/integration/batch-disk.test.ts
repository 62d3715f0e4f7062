/**
 * Disk trouble during a batch (issue 5 §7) on real small file systems: a full disk pauses the
 * batch and resume finishes it with no photo lost or doubled; a read-only folder fails its own
 * photos clearly while the rest goes on. Needs `mount` (root in a container, as in CI here);
 * where mounting is not allowed the tests say so and skip.
 */
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeblurEngine, loadModel } from '../../src/main/engine/index.ts'
import { BatchQueue, defaultOutputOptions, type BatchOptions } from '../../src/main/jobs/index.ts'
import { freeBytes } from '../../src/main/jobs/disk-space.ts'
import { listFiles, makePhoto, snapshot } from './batch-fixtures.ts'

let engine: DeblurEngine
let work: string
const mounts: string[] = []

function tryMount(dir: string, sizeKiB: number): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir], { stdio: 'ignore' })
    mounts.push(dir)
    return true
  } catch {
    return false
  }
}

const options = (out: string | null): BatchOptions => ({
  output: { ...defaultOutputOptions(), dir: out, format: 'png' },
  settings: { t: 'auto', tOffset: 0 },
  recursive: false,
})

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'batch-disk-'))
  engine = await DeblurEngine.open(await loadModel('test/fixtures/models/fidediff-random'), { provider: 'cpu', threads: 1 })
})
afterAll(async () => {
  await engine?.dispose()
  for (const dir of mounts.reverse()) execFileSync('umount', ['-l', dir], { stdio: 'ignore' })
  await rm(work, { recursive: true, force: true })
})

describe('batch on a troubled disk', () => {
  it('a full disk pauses the batch with a message; after freeing space, resume finishes every photo exactly once', async (ctx) => {
    const photos = join(work, 'photos')
    for (let i = 0; i < 6; i++) await makePhoto(join(photos, `p${i}.png`), i)
    const disk = join(work, 'small-disk')
    await mkdir(disk)
    if (!tryMount(disk, 512)) return ctx.skip('mount not permitted here: cannot make a small disk')
    const out = join(disk, 'out')
    await mkdir(out)
    // leave room for about two photos (each PNG + journal lines)
    const free = (await freeBytes(disk))!
    await writeFile(join(disk, 'filler'), Buffer.alloc(Math.max(0, free - 48 * 1024)))

    const queue = new BatchQueue(engine, options(out))
    await queue.add([photos])
    const pauses: { reason: string; message: string; tempFiles: string[]; done: number }[] = []
    queue.on('paused', (e) => {
      void (async () => {
        pauses.push({ reason: e.reason, message: e.message, tempFiles: (await listFiles(out)).filter((f) => f.endsWith('.tmp')), done: queue.progress().counts.done })
        await rm(join(disk, 'filler'))
        queue.resume()
      })()
    })
    const report = await queue.start()

    expect(pauses).toHaveLength(1)
    expect(pauses[0]!.reason).toBe('no-space')
    expect(pauses[0]!.message).toMatch(/disk is full writing .*p\d_deblurred\.png: free some space, then resume/)
    expect(pauses[0]!.tempFiles).toEqual([])
    expect(pauses[0]!.done).toBeLessThan(6)
    expect(report.totals).toMatchObject({ files: 6, done: 6, failed: 0 })
    const outputs = (await listFiles(out)).filter((f) => !f.startsWith('.'))
    expect(outputs).toEqual([0, 1, 2, 3, 4, 5].map((i) => `p${i}_deblurred.png`)) // none numbered twice
    for (const name of outputs) expect((await sharp(join(out, name)).metadata()).width).toBe(96)
  })

  it('a read-only folder fails its own photos with a clear reason while the other folders go on', async (ctx) => {
    const writable = join(work, 'writable')
    for (let i = 0; i < 2; i++) await makePhoto(join(writable, `w${i}.jpg`), i)
    const readOnly = join(work, 'read-only')
    await mkdir(readOnly)
    if (!tryMount(readOnly, 1024)) return ctx.skip('mount not permitted here: cannot make a read-only folder')
    for (let i = 0; i < 2; i++) await makePhoto(join(readOnly, `r${i}.jpg`), 10 + i)
    execFileSync('mount', ['-o', 'remount,ro', readOnly])
    const before = await snapshot(readOnly)

    const queue = new BatchQueue(engine, options(null)) // outputs beside the inputs
    await queue.add([readOnly, writable])
    const report = await queue.start()
    const status = Object.fromEntries(report.files.map((f) => [relative(work, f.input), `${f.status} ${f.reason ?? ''}`.trim()]))
    expect(status['read-only/r0.jpg']).toMatch(/^failed .*r0_deblurred\.png: .*read-only/)
    expect(status['read-only/r1.jpg']).toMatch(/^failed .*read-only/)
    expect(status['writable/w0.jpg']).toBe('done')
    expect(status['writable/w1.jpg']).toBe('done')
    expect(await snapshot(readOnly)).toEqual(before)
    expect((await sharp(join(writable, 'w0_deblurred.png')).metadata()).format).toBe('png')
  })
})
