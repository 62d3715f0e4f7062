/**
 * The batch queue the app and the CLI share, on real photos with the real engine and the tiny
 * random fidediff test model: broken photos, cancel, pause/resume, inputs deleted mid-batch,
 * collisions with inputs, rerun from the journal.
 */
import { rmSync } from 'node:fs'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeblurEngine, loadModel } from '../../src/main/engine/index.ts'
import { BatchQueue, defaultOutputOptions, type BatchEvents, type BatchOptions } from '../../src/main/jobs/index.ts'
import { listFiles, makePhoto, makeShoot, snapshot, type Shoot } from './batch-fixtures.ts'

const MODEL = 'test/fixtures/models/fidediff-random'
let engine: DeblurEngine
let work: string
let shoot: Shoot

const options = (out: string | null, extra: Partial<BatchOptions['output']> = {}): BatchOptions => ({
  output: { ...defaultOutputOptions(), dir: out, ...extra },
  settings: { t: 'auto', tOffset: 0 },
  recursive: true,
})

/** Every event of a run, to check "exactly one final event" and ordering. */
function record(queue: BatchQueue): { started: number[]; finished: number[]; batchFinished: BatchEvents['finished'][] } {
  const log = { started: [] as number[], finished: [] as number[], batchFinished: [] as BatchEvents['finished'][] }
  queue.on('file-started', (e) => log.started.push(e.file.index))
  queue.on('file-finished', (e) => log.finished.push(e.file.index))
  queue.on('finished', (e) => log.batchFinished.push(e))
  return log
}

const tempFilesIn = async (dir: string): Promise<string[]> => (await listFiles(dir)).filter((f) => f.endsWith('.tmp'))

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'batch-queue-'))
  shoot = await makeShoot(join(work, 'shoot'))
  engine = await DeblurEngine.open(await loadModel(MODEL), { provider: 'cpu', threads: 1 })
})
afterAll(async () => {
  await engine?.dispose()
  await rm(work, { recursive: true, force: true })
})

describe('batch queue', () => {
  it('a shoot with broken photos: every good photo is written and valid, each broken one fails with its reason, originals untouched', async () => {
    const before = await snapshot(shoot.root)
    const out = join(work, 'out-all')
    const queue = new BatchQueue(engine, options(out))
    const log = record(queue)
    const { added } = await queue.add([shoot.root])
    expect(added).toBe(shoot.good.length + shoot.broken.length) // hidden files, .txt and the symlink loop left out
    const report = await queue.start()

    expect(report.totals).toMatchObject({ files: 23, done: 20, failed: 3, skipped: 0, cancelled: 0 })
    const failed = Object.fromEntries(report.files.filter((f) => f.status === 'failed').map((f) => [relative(shoot.root, f.input), f.reason]))
    expect(failed['truncated.jpg']).toMatch(/truncated\.jpg: .*(truncated|corrupt)/)
    expect(failed['day1/empty.png']).toMatch(/empty\.png: .*empty/)
    expect(failed['day2/notes.jpg']).toMatch(/notes\.jpg: .*not a photo/)
    for (const row of report.files.filter((f) => f.status === 'done')) {
      expect(row.output).toBe(join(out, row.relativePath.replace(/\.(\w+)$/, '_deblurred.$1').replace(/\.tif$/, '.tif')))
      const meta = await sharp(row.output!).metadata()
      expect([meta.width, meta.height]).toEqual([96, 64])
      expect(row.provider).toBe('cpu')
      expect(row.tHatMean).toBeGreaterThanOrEqual(0)
      expect(row.tHatMax).toBeGreaterThanOrEqual(row.tHatMean!)
    }
    // exactly one final event per file and per batch, files in the order they were added
    expect(log.finished.slice().sort((a, b) => a - b)).toEqual([...Array(23).keys()])
    expect(log.started).toEqual([...Array(23).keys()])
    expect(log.batchFinished).toHaveLength(1)
    expect(log.batchFinished[0]!.outcome).toBe('completed')
    expect(await snapshot(shoot.root)).toEqual(before)
    expect(await tempFilesIn(out)).toEqual([])

    // the same batch again: every photo is skipped by the journal (hash-verified), nothing rewritten
    const mtime = (await stat(report.files.find((f) => f.status === 'done')!.output!)).mtimeMs
    const again = new BatchQueue(engine, options(out))
    await again.add([shoot.root])
    const second = await again.start()
    expect(second.files.filter((f) => f.status === 'done').every((f) => f.resumed)).toBe(true)
    expect(second.totals.done).toBe(20)
    expect((await stat(report.files.find((f) => f.status === 'done')!.output!)).mtimeMs).toBe(mtime)
  })

  it('cancel mid-batch stops, marks the rest cancelled and leaves no partial or stray output', async () => {
    const out = join(work, 'out-cancel')
    const queue = new BatchQueue(engine, options(out))
    const log = record(queue)
    await queue.add([shoot.root])
    queue.on('file-progress', (e) => e.index === 4 && queue.cancel())
    const report = await queue.start()
    expect(log.batchFinished.map((e) => e.outcome)).toEqual(['cancelled'])
    expect(report.totals.cancelled).toBeGreaterThanOrEqual(23 - 5)
    expect(report.files[4]!.status).toBe('cancelled')
    expect(report.files.slice(5).every((f) => f.status === 'cancelled')).toBe(true)
    const written = (await listFiles(out)).filter((f) => !f.startsWith('.fidediff-journal'))
    const done = report.files.filter((f) => f.status === 'done').map((f) => relative(out, f.output!))
    expect(written.sort()).toEqual(done.sort())
    expect(log.finished.slice().sort((a, b) => a - b)).toEqual([...Array(23).keys()])
  })

  it('pause holds before the next photo, resume carries on in the same order', async () => {
    const out = join(work, 'out-pause')
    const queue = new BatchQueue(engine, options(out))
    const log = record(queue)
    await queue.add([shoot.root])
    let startedWhilePaused = -1
    queue.on('file-finished', (e) => e.file.index === 2 && queue.pause())
    queue.on('paused', () => {
      const count = log.started.length
      setTimeout(() => {
        startedWhilePaused = log.started.length - count
        expect(queue.state).toBe('paused')
        queue.resume()
      }, 300)
    })
    const report = await queue.start()
    expect(startedWhilePaused).toBe(0)
    expect(log.started).toEqual([...Array(23).keys()])
    expect(report.totals).toMatchObject({ done: 20, failed: 3 })
  })

  it('resume or cancel called right inside the paused event is honoured (no hang)', async () => {
    const dir = join(work, 'instant')
    for (let i = 0; i < 3; i++) await makePhoto(join(dir, `p${i}.png`), i)
    const resumed = new BatchQueue(engine, options(join(work, 'out-instant-1')))
    await resumed.add([dir])
    resumed.pause()
    resumed.on('paused', () => resumed.resume())
    expect((await resumed.start()).totals.done).toBe(3)
    const cancelled = new BatchQueue(engine, options(join(work, 'out-instant-2')))
    await cancelled.add([dir])
    cancelled.pause()
    cancelled.on('paused', () => cancelled.cancel())
    expect((await cancelled.start()).totals.cancelled).toBe(3)
  })

  it('a photo deleted mid-batch fails with a clear reason and the batch goes on', async () => {
    const dir = join(work, 'vanishing')
    for (let i = 0; i < 4; i++) await makePhoto(join(dir, `p${i}.png`), i)
    const queue = new BatchQueue(engine, options(join(work, 'out-vanish')))
    await queue.add([dir])
    queue.on('file-started', (e) => e.file.index === 0 && rmSync(join(dir, 'p2.png')))
    const report = await queue.start()
    expect(report.files.map((f) => f.status)).toEqual(['done', 'done', 'failed', 'done'])
    expect(report.files[2]!.reason).toMatch(/p2\.png: .*(no longer exists|does not exist)/)
  })

  it('an output name equal to the input is refused and the original stays byte-identical', async () => {
    const dir = join(work, 'same-name')
    await makePhoto(join(dir, 'a.jpg'), 1)
    await makePhoto(join(dir, 'b.png'), 2)
    const before = await snapshot(dir)
    const queue = new BatchQueue(engine, options(null, { nameTemplate: '{name}', collision: 'overwrite' }))
    await queue.add([dir])
    const report = await queue.start()
    expect(report.files.map((f) => f.status)).toEqual(['failed', 'failed'])
    expect(report.files[0]!.reason).toMatch(/a\.jpg: the output name is the input itself/)
    expect(await snapshot(dir)).toEqual(before)
  })

  it('an output name taken by another input is never overwritten: numbered, skipped or refused by policy', async () => {
    const dir = join(work, 'taken')
    await makePhoto(join(dir, 'a.jpg'), 1)
    await makePhoto(join(dir, 'a_deblurred.jpg'), 2)
    const before = await snapshot(dir)
    const run = async (collision: 'overwrite' | 'skip' | 'number'): Promise<string[]> => {
      const queue = new BatchQueue(engine, { ...options(null, { collision }), resume: false })
      await queue.add([join(dir, 'a.jpg'), join(dir, 'a_deblurred.jpg')])
      const report = await queue.start()
      return report.files.map((f) => `${f.status} ${f.output ? relative(dir, f.output) : ''} ${f.reason ?? ''}`.trim())
    }
    const overwrite = await run('overwrite')
    expect(overwrite[0]).toMatch(/^failed a_deblurred\.jpg .*a_deblurred\.jpg is an input of this batch and is never overwritten/)
    expect(overwrite[1]).toBe('done a_deblurred_deblurred.jpg')
    expect((await run('skip'))[0]).toMatch(/^skipped a_deblurred\.jpg .*already exists \(it is an input of this batch\)/)
    expect((await run('number'))[0]).toBe('done a_deblurred_1.jpg')
    const after = await snapshot(dir)
    for (const [name, hash] of before) expect(after.get(name)).toBe(hash)
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })
})
