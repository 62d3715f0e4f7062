/**
 * The Batch panel in Chromium against the real engine (as the editor e2e): drop a folder of
 * tiny photos with a broken one, choose the output options, run → per-file statuses, the
 * failure with its reason, outputs written, inputs untouched; then pause / resume / cancel.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { BatchFinishedEvent } from '../../src/shared/ipc-contract.ts'
import { listFiles, makePhoto, snapshot } from '../integration/batch-fixtures.ts'
import { makeShakyJpeg, startCore, type CoreHarness } from './app-fixtures.ts'
import { openEditorPage, type PageHarness } from './page-bridge.ts'

const SHOTS = resolve('test-results/e2e')

let h: CoreHarness
let ui: PageHarness
let page: Page
let dropDir: string
let shoot: string

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) })
}

/** Drop (made-up) Files named `names` on an element, as the OS would; the bridge maps them into dropDir. */
function dropOn(arg: { testId: string; names: string[] }): void {
  const g = globalThis as unknown as {
    document: { querySelector(s: string): { dispatchEvent(e: unknown): boolean } | null }
    DataTransfer: new () => { items: { add(f: unknown): void } }
    File: new (parts: string[], name: string, opts: { type: string }) => unknown
    DragEvent: new (type: string, init: { dataTransfer: unknown; bubbles: boolean; cancelable: boolean }) => unknown
  }
  const dt = new g.DataTransfer()
  for (const name of arg.names) dt.items.add(new g.File([''], name, { type: '' }))
  const target = g.document.querySelector(`[data-testid="${arg.testId}"]`)
  if (!target) throw new Error(`no element ${arg.testId}`)
  target.dispatchEvent(new g.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
}

const finals = (): BatchFinishedEvent[] => h.events['batch:finished'] ?? []

async function statuses(): Promise<Record<string, string>> {
  const rows = page.getByTestId('batch-file')
  const out: Record<string, string> = {}
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i)
    out[(await row.getByTestId('batch-file-name').textContent())!.trim()] = (await row.getAttribute('data-status'))!
  }
  return out
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true })
  h = await startCore()
  dropDir = join(h.dir, 'drops')
  shoot = join(dropDir, 'shoot')
  await makePhoto(join(shoot, 'IMG_001.jpg'), 1)
  await makePhoto(join(shoot, 'IMG_002.png'), 2)
  await makePhoto(join(shoot, 'day2', 'IMG_003.jpg'), 3)
  const whole = await readFile(join(shoot, 'IMG_001.jpg'))
  await writeFile(join(shoot, 'broken.jpg'), whole.subarray(0, Math.floor(whole.length / 3)))
  ui = await openEditorPage(h, dropDir)
  page = ui.page
})

afterAll(async () => {
  await ui?.close()
  await h?.close()
})

describe('the Batch panel, driven in Chromium against the real engine', () => {
  it('a dropped folder with a broken photo: every status shown, the failure with its reason, outputs written, inputs untouched', async () => {
    const before = await snapshot(shoot)
    await page.getByTestId('batch-panel').waitFor()
    await page.evaluate(dropOn, { testId: 'batch-drop', names: ['shoot'] })
    await page.getByTestId('batch-inputs').filter({ hasText: 'shoot' }).waitFor()
    // the drop went to the panel, not to the editor
    await expect(page.getByTestId('welcome').count()).resolves.toBe(1)

    const out = join(h.dir, 'batch-out')
    h.dialog.outputFolder = out
    await page.getByTestId('batch-choose-output').click()
    await page.getByTestId('batch-output-dir').filter({ hasText: out }).waitFor()
    await page.getByTestId('batch-format').selectOption('png')
    await page.getByTestId('batch-name').fill('{name}_sharp')
    await page.getByTestId('batch-name').dispatchEvent('change')
    await page.getByTestId('batch-kernel-map').check()
    await shot('batch-01-ready')

    await page.getByTestId('batch-start').click()
    await page.getByTestId('batch-finished').waitFor({ timeout: 60_000 })
    await shot('batch-02-finished')

    expect(await statuses()).toEqual({ 'IMG_001.jpg': 'done', 'IMG_002.png': 'done', 'day2/IMG_003.jpg': 'done', 'broken.jpg': 'failed' })
    const reason = await page.getByTestId('batch-file').filter({ hasText: 'broken.jpg' }).getByTestId('batch-file-reason').textContent()
    expect(reason).toContain(join(shoot, 'broken.jpg'))
    expect(reason).toMatch(/truncated|corrupt/)
    await expect(page.getByTestId('batch-counts').textContent()).resolves.toBe('4 of 4 · 3 done · 1 failed')
    await expect(page.getByTestId('batch-finished').textContent()).resolves.toContain('1 failed')
    expect(finals()).toHaveLength(1)
    expect(finals()[0]).toMatchObject({ outcome: 'completed', progress: { total: 4, counts: { done: 3, failed: 1 } } })

    const written = (await listFiles(out)).filter((f) => !f.split('/').some((part) => part.startsWith('.')))
    expect(written).toEqual([
      'IMG_001_sharp.kernels.json', 'IMG_001_sharp.kernels.png', 'IMG_001_sharp.png',
      'IMG_002_sharp.kernels.json', 'IMG_002_sharp.kernels.png', 'IMG_002_sharp.png',
      'day2/IMG_003_sharp.kernels.json', 'day2/IMG_003_sharp.kernels.png', 'day2/IMG_003_sharp.png',
    ])
    for (const f of written.filter((f) => f.endsWith('_sharp.png'))) {
      const meta = await sharp(join(out, f)).metadata()
      expect([meta.format, meta.width, meta.height], f).toEqual(['png', 96, 64])
    }
    expect(await snapshot(shoot)).toEqual(before)

    await page.getByTestId('batch-open-output').click()
    await expect.poll(() => h.shown).toEqual([out])
  })

  it('pause holds before the next photo, resume goes on, cancel ends it with nothing partial written', async () => {
    await page.getByTestId('batch-new').click()
    const big = join(dropDir, 'big')
    await mkdir(big)
    for (let i = 0; i < 6; i++) await makeShakyJpeg(join(big, `B${i}.jpg`), 640, 480)
    const before = await snapshot(big)
    await page.evaluate(dropOn, { testId: 'batch-drop', names: ['big'] })
    await page.getByTestId('batch-inputs').filter({ hasText: 'big' }).waitFor()
    const out = join(h.dir, 'big-out')
    h.dialog.outputFolder = out
    await page.getByTestId('batch-choose-output').click()
    await page.getByTestId('batch-output-dir').filter({ hasText: out }).waitFor()
    // the options of the last batch are kept; change two of them
    await expect(page.getByTestId('batch-name').inputValue()).resolves.toBe('{name}_sharp')
    await page.getByTestId('batch-format').selectOption('same')
    await page.getByTestId('batch-kernel-map').uncheck()
    await page.getByTestId('batch-start').click()

    // six photos: one of them is running nearly all the time until the end
    await page.getByTestId('batch-file').and(page.locator('[data-status="running"]')).first().waitFor()
    await page.getByTestId('batch-pause').click()
    await page.getByTestId('batch-paused').waitFor({ timeout: 60_000 })
    await page.getByTestId('batch-eta').waitFor()
    const held = await statuses()
    expect(Object.values(held)).not.toContain('running')
    await new Promise((r) => setTimeout(r, 1500))
    expect(await statuses()).toEqual(held) // nothing started while paused
    await shot('batch-03-paused')

    await page.getByTestId('batch-resume').click()
    await page.getByTestId('batch-pause').waitFor()
    const doneBefore = Object.values(held).filter((s) => s === 'done').length
    await page.getByTestId('batch-file').and(page.locator('[data-status="running"]')).first().waitFor()
    await page.getByTestId('batch-cancel').click()
    await page.getByTestId('batch-finished').filter({ hasText: 'Cancelled.' }).waitFor({ timeout: 60_000 })
    await shot('batch-04-cancelled')

    const end = await statuses()
    const done = Object.keys(end).filter((k) => end[k] === 'done')
    expect(done.length).toBeGreaterThanOrEqual(doneBefore)
    expect(done.length).toBeLessThan(6)
    expect(Object.values(end).every((s) => s === 'done' || s === 'cancelled')).toBe(true)
    expect(finals()).toHaveLength(2)
    expect(finals()[1]!.outcome).toBe('cancelled')
    // exactly the finished photos have outputs; no temp or partial file is left
    const written = (await listFiles(out)).filter((f) => !f.startsWith('.fidediff'))
    expect(written.sort()).toEqual(done.map((d) => d.replace('.jpg', '_sharp.jpg')).sort())
    expect(await snapshot(big)).toEqual(before)
  })
})

it('ran without page errors, console errors or CSP violations', () => {
  expect(ui.problems).toEqual([])
})
