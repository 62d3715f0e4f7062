/**
 * The crash a batch must survive (issue 5 §3): `fidediff deblur` is killed with SIGKILL half-way,
 * then run again with the same arguments. It must finish, process no photo twice (journal),
 * leave no partial output and report every photo.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BatchReport } from '../../src/main/jobs/index.ts'
import { listFiles, makePhoto, snapshot } from './batch-fixtures.ts'

const PHOTOS = 24
let work: string
let shoot: string
let out: string

interface JournalLine {
  type: 'start' | 'done'
  input: string
}

async function journal(): Promise<JournalLine[]> {
  const text = await readFile(join(out, '.fidediff-journal.jsonl'), 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as JournalLine]
      } catch {
        return [] // a line torn by the kill
      }
    })
}

function startBatch(): { exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>; kill: (signal?: NodeJS.Signals) => void } {
  const child = spawn(
    process.execPath,
    ['bin/fidediff.mjs', 'deblur', shoot, '--out', out, '--report', join(work, 'report.json'),
      '--model', 'test/fixtures/models/fidediff-random', '--provider', 'cpu', '--threads', '1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, output })),
  )
  return { exited, kill: (signal = 'SIGKILL') => child.kill(signal) }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-kill-'))
  shoot = join(work, 'shoot')
  out = join(work, 'out')
  for (let i = 0; i < PHOTOS; i++) await makePhoto(join(shoot, `IMG_${String(i).padStart(3, '0')}.png`), i)
})
afterAll(async () => rm(work, { recursive: true, force: true }))

/** Waits until the journal records `n` finished photos, then sends `signal`. */
async function killAfter(batch: ReturnType<typeof startBatch>, n: number, signal: NodeJS.Signals): Promise<boolean> {
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    if ((await journal()).filter((l) => l.type === 'done').length >= n) {
      batch.kill(signal)
      return true
    }
    await new Promise((r) => setTimeout(r, 10))
  }
  return false
}

describe('fidediff deblur after kill -9', () => {
  it('rerunning the killed batch finishes it: nothing processed twice, no partial output, report complete', async () => {
    const before = await snapshot(shoot)
    const first = startBatch()
    const killed = await killAfter(first, 4, 'SIGKILL')
    const stopped = await first.exited
    expect(killed).toBe(true)
    expect(stopped.signal).toBe('SIGKILL') // it really died half-way, not at the end
    const doneBefore = new Set((await journal()).filter((l) => l.type === 'done').map((l) => l.input))
    expect(doneBefore.size).toBeGreaterThanOrEqual(4)
    expect(doneBefore.size).toBeLessThan(PHOTOS)
    // every output on disk is a whole photo: the atomic writer never leaves half of one
    for (const name of (await listFiles(out)).filter((f) => f.endsWith('.png') && !f.startsWith('.')))
      await expect(sharp(join(out, name)).stats()).resolves.toBeTruthy()

    const second = startBatch()
    const finished = await second.exited
    expect(finished.output).toMatch(new RegExp(`${PHOTOS} photos: ${PHOTOS} done, 0 failed`))
    expect(finished.code).toBe(0)

    const lines = await journal()
    const doneCount = new Map<string, number>()
    for (const l of lines.filter((x) => x.type === 'done')) doneCount.set(l.input, (doneCount.get(l.input) ?? 0) + 1)
    expect(doneCount.size).toBe(PHOTOS)
    expect([...doneCount.values()].every((n) => n === 1)).toBe(true) // no photo processed twice
    const report = JSON.parse(await readFile(join(work, 'report.json'), 'utf8')) as BatchReport
    expect(report.totals).toMatchObject({ files: PHOTOS, done: PHOTOS, failed: 0 })
    expect(report.files.filter((f) => f.resumed).map((f) => f.input).sort()).toEqual([...doneBefore].sort())
    const files = await listFiles(out)
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([])
    expect(files.filter((f) => !f.startsWith('.')).sort()).toEqual(
      Array.from({ length: PHOTOS }, (_, i) => `IMG_${String(i).padStart(3, '0')}_deblurred.png`),
    )
    expect(await snapshot(shoot)).toEqual(before)
  })

  it('Ctrl-C cancels the running photo within a tile: exit 130, report written, no partial output', async () => {
    await rm(out, { recursive: true, force: true })
    const batch = startBatch()
    expect(await killAfter(batch, 2, 'SIGINT')).toBe(true)
    const stopped = await batch.exited
    expect(stopped.code).toBe(130)
    expect(stopped.output).toMatch(/cancelling/)
    const report = JSON.parse(await readFile(join(work, 'report.json'), 'utf8')) as BatchReport
    expect(report.totals.files).toBe(PHOTOS)
    expect(report.totals.cancelled).toBeGreaterThan(0)
    const done = report.files.filter((f) => f.status === 'done').map((f) => f.output!.slice(out.length + 1))
    const files = await listFiles(out)
    expect(files.filter((f) => !f.startsWith('.')).sort()).toEqual(done.sort())
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})
