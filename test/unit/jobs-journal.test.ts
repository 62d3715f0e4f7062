import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReportRow } from '../../src/main/jobs/batch-report.ts'
import { BatchJournal, journalFileName, sha256File } from '../../src/main/jobs/journal.ts'

let dir: string
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'jobs-journal-'))))
afterAll(async () => rm(dir, { recursive: true, force: true }))

const row: ReportRow = {
  input: '/in/a.jpg', relativePath: 'a.jpg', output: null, status: 'done', reason: null, timeMs: 5, provider: 'cpu',
  tHatMean: 120, tHatMax: 160, resumed: false,
}

describe('batch journal (resume after a crash)', () => {
  it('a finished photo is found again by input, input hash and batch settings', async () => {
    const folder = await mkdtemp(join(dir, 'done-'))
    const journal = await BatchJournal.load(folder, journalFileName())
    const key = { input: '/in/a.jpg', inputHash: 'aa', settings: 's1' }
    await journal.recordStart(key, join(folder, 'a_deblurred.jpg'))
    expect(journal.findUnfinishedOutput(key)).toBe(join(folder, 'a_deblurred.jpg'))
    await journal.recordDone(key, join(folder, 'a_deblurred.jpg'), 'bb', [join(folder, 'a_deblurred.kernels.png')], row)

    const reread = await BatchJournal.load(folder, journalFileName())
    expect(reread.findDone(key)?.outputHash).toBe('bb')
    expect(reread.findUnfinishedOutput(key)).toBeNull()
    expect(reread.findDone({ ...key, inputHash: 'changed' })).toBeUndefined() // edited photo: done again
    expect(reread.findDone({ ...key, settings: 's2' })).toBeUndefined() // other settings: another batch
    expect(reread.recordedOutputs()).toEqual(new Set([join(folder, 'a_deblurred.jpg'), join(folder, 'a_deblurred.kernels.png')]))
    // outputs are stored relative to the journal, so the folder can move
    expect(JSON.parse((await readFile(join(folder, journalFileName()), 'utf8')).split('\n')[1]!).output).toBe('a_deblurred.jpg')
  })

  it('a line torn by kill -9 is ignored and the next line still starts on its own line', async () => {
    const folder = await mkdtemp(join(dir, 'torn-'))
    const path = join(folder, journalFileName())
    const key = { input: '/in/b.jpg', inputHash: 'cc', settings: 's1' }
    const journal = await BatchJournal.load(folder, journalFileName())
    await journal.recordDone(key, join(folder, 'b.jpg'), 'dd', [], row)
    await appendFile(path, '{"v":1,"type":"done","input":"/in/c.jpg","inputH') // torn mid-write
    const after = await BatchJournal.load(folder, journalFileName())
    expect(after.findDone(key)?.outputHash).toBe('dd')
    const key2 = { input: '/in/c.jpg', inputHash: 'ee', settings: 's1' }
    await after.recordDone(key2, join(folder, 'c.jpg'), 'ff', [], row)
    const lines = (await readFile(path, 'utf8')).split('\n')
    expect(lines).toHaveLength(4) // done b, torn, done c, ''
    expect((await BatchJournal.load(folder, journalFileName())).findDone(key2)?.outputHash).toBe('ff')
  })

  it('journals of all shards writing into one folder are read together', async () => {
    const folder = await mkdtemp(join(dir, 'shards-'))
    const k1 = { input: '/in/1.jpg', inputHash: '1', settings: 's' }
    const k2 = { input: '/in/2.jpg', inputHash: '2', settings: 's' }
    await (await BatchJournal.load(folder, journalFileName({ index: 1, count: 2 }))).recordDone(k1, join(folder, '1.jpg'), 'o1', [], row)
    await (await BatchJournal.load(folder, journalFileName({ index: 2, count: 2 }))).recordDone(k2, join(folder, '2.jpg'), 'o2', [], row)
    const all = await BatchJournal.load(folder, journalFileName())
    expect(all.findDone(k1)?.outputHash).toBe('o1')
    expect(all.findDone(k2)?.outputHash).toBe('o2')
  })

  it('sha256 of a file matches the known digest', async () => {
    const path = join(dir, 'abc.txt')
    await writeFile(path, 'abc')
    expect(await sha256File(path)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })
})
