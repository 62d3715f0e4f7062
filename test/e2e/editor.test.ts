import { execFileSync } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { PhotoAnalysis } from '../../src/shared/domain.ts'
import type { JobFinishedEvent } from '../../src/shared/ipc-contract.ts'
import { legendRange, timestepColor } from '../../src/renderer/src/lib/colormap.ts'
import { EXIF, makeShakyJpeg, startCore, type CoreHarness } from './app-fixtures.ts'
import { openEditorPage, type PageHarness } from './page-bridge.ts'
import { dropFile, imagesLoaded, opacityIs, rectOf, sampleCanvas } from './page-probes.ts'

const SHOTS = resolve('test-results/e2e')
const W = 512
const H = 384

let h: CoreHarness
let ui: PageHarness
let page: Page
let photo: string
let dropDir: string

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) })
}

/** The analysis the renderer was sent, as the main process holds it. */
function currentAnalysis(): PhotoAnalysis {
  const last = [...(h.events['job:finished'] ?? [])].reverse().find((e) => e.status === 'done')
  if (!last || last.status !== 'done' || !('analysis' in last.result) || !last.result.analysis) throw new Error('no analysis yet')
  return last.result.analysis
}

/** Page coordinates of a photo pixel, from where the viewer shows the photo. */
async function photoToPage(x: number, y: number): Promise<[number, number]> {
  const r = (await page.evaluate(rectOf, 'before-layer'))!
  return [r.x + (x * r.width) / W, r.y + (y * r.height) / H]
}

async function viewerPixels(clip: { x: number; y: number; width: number; height: number }): Promise<Buffer> {
  return sharp(await page.screenshot({ clip })).removeAlpha().raw().toBuffer()
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!)
  return sum / a.length
}

async function finishedJob(kind: string, count: number): Promise<JobFinishedEvent> {
  for (let i = 0; i < 600; i++) {
    const done = (h.events['job:finished'] ?? []).filter((e) => e.kind === kind)
    if (done.length >= count) return done[count - 1]!
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`no final event for ${kind} job #${count}`)
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true })
  h = await startCore()
  photo = join(h.dir, 'shaky.jpg')
  await makeShakyJpeg(photo, W, H)
  dropDir = join(h.dir, 'drops')
  await mkdir(dropDir)
  ui = await openEditorPage(h, dropDir)
  page = ui.page
})

afterAll(async () => {
  await ui?.close()
  await h?.close()
})

describe('the editor, driven in Chromium against the real engine', () => {
  it('opens a photo chosen in the open dialog and shows it', async () => {
    await page.getByTestId('welcome').waitFor()
    h.dialog.open = photo
    await page.getByRole('button', { name: 'Open photo…' }).click()
    await page.getByTestId('viewer').waitFor()
    await page.waitForFunction(imagesLoaded, 'before-layer')
    await expect(page.getByTestId('photo-summary').textContent()).resolves.toContain(`shaky.jpg · ${W}×${H} · 8-bit`)
    await expect(page.getByTestId('provider').textContent()).resolves.toContain('CPU')
    await shot('01-opened')
  })

  it('deblurs with per-tile progress and then shows the result and both overlays', async () => {
    await page.getByTestId('deblur').click()
    await page.getByTestId('notice').filter({ hasText: 'Deblurred' }).waitFor({ timeout: 60_000 })
    const final = await finishedJob('deblur', 1)
    expect(final.status).toBe('done')
    const progress = (h.events['job:progress'] ?? []).filter((e) => e.jobId === final.jobId)
    expect(progress.length).toBeGreaterThan(4)
    expect(progress.at(-1)!.progress.done).toBe(progress.at(-1)!.progress.total)
    await page.waitForFunction(imagesLoaded, 'after-layer')
    await page.getByTestId('legend').waitFor()
    await page.waitForFunction(opacityIs, { testId: 'overlay-canvas-heatmap', want: 0.55 }) // fade-in done
    await shot('02-deblurred-overlays')

    const a = currentAnalysis()
    expect(a.regions.length).toBe(a.cols * a.rows)
    const range = legendRange(a.regions.map((r) => r.tHat), a.timestepRange)
    // a point inside each region, off its centre (where the glyph is): the heatmap colour of its t̂
    const points = await Promise.all(a.regions.map((r) => photoToPage(r.box.x + r.box.width * 0.12, r.box.y + r.box.height * 0.12)))
    const heat = await page.evaluate(sampleCanvas, { testId: 'overlay-canvas-heatmap', points, box: null })
    expect(Number(heat.opacity)).toBeCloseTo(0.55, 2)
    a.regions.forEach((region, i) => {
      const want = timestepColor(region.tHat, range)
      const got = heat.at[i]!
      for (let c = 0; c < 3; c++) expect(Math.abs(got[c]! - want[c]!), `region ${i} channel ${c}`).toBeLessThanOrEqual(2)
      expect(got[3]).toBe(255)
    })
    // kernel glyphs: drawn in the middle of every region, nothing at the region corners
    for (const i of [0, a.regions.length - 1]) {
      const b = a.regions[i]!.box
      const [x0, y0] = await photoToPage(b.x + b.width * 0.35, b.y + b.height * 0.35)
      const [x1, y1] = await photoToPage(b.x + b.width * 0.65, b.y + b.height * 0.65)
      const corner = await photoToPage(b.x + 1, b.y + 1)
      const glyphs = await page.evaluate(sampleCanvas, { testId: 'overlay-canvas-kernels', points: [corner], box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } })
      expect(glyphs.boxOpaqueShare, `glyph of region ${i}`).toBeGreaterThan(0.95)
      expect(glyphs.at[0]![3], `corner of region ${i}`).toBe(0)
    }
  })

  it('shows t̂ on hover and the enlarged kernel of a clicked region', async () => {
    const a = currentAnalysis()
    const i = Math.min(a.regions.length - 1, a.cols + 2)
    const r = a.regions[i]!
    const [x, y] = await photoToPage(r.box.x + r.box.width / 2, r.box.y + r.box.height / 2)
    await page.mouse.move(x, y)
    await page.getByTestId('hover-t').filter({ hasText: new RegExp(`^t̂ ${r.tHat}$`) }).waitFor()
    await page.mouse.click(x, y)
    await page.getByTestId('kernel-detail').waitFor()
    await page.getByTestId('kernel-t').filter({ hasText: new RegExp(`^${r.tHat}$`) }).waitFor()
    await expect(page.getByTestId('kernel-direction').textContent()).resolves.toBe(`${r.kernel.directionDeg.toFixed(0)}°`)
    await page.getByTestId('selected-region').waitFor()
    const big = await page.evaluate(sampleCanvas, { testId: 'kernel-canvas', points: [], box: null })
    expect(big.opaqueShare).toBe(1)
    await shot('03-kernel-detail')
  })

  it('zooms about the cursor, pans with the keys, and keeps the overlays registered at 100 %', async () => {
    // from the fitted view, the wheel zooms about the cursor: the photo pixel under it stays there
    const viewer = (await page.evaluate(rectOf, 'viewer'))!
    const fitted = (await page.evaluate(rectOf, 'before-layer'))!
    const cursor = { x: viewer.x + viewer.width * 0.4, y: viewer.y + viewer.height * 0.45 }
    const under = { x: (cursor.x - fitted.x) / (fitted.width / W), y: (cursor.y - fitted.y) / (fitted.height / H) }
    await page.mouse.move(cursor.x, cursor.y)
    await page.mouse.wheel(0, -240)
    await page.waitForFunction((w) => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { width: number } } } }).document
      return doc.querySelector('[data-testid="before-layer"]').getBoundingClientRect().width > w
    }, fitted.width * 1.2)
    const zoomed = (await page.evaluate(rectOf, 'before-layer'))!
    const still = { x: (cursor.x - zoomed.x) / (zoomed.width / W), y: (cursor.y - zoomed.y) / (zoomed.height / H) }
    expect(Math.abs(still.x - under.x)).toBeLessThan(0.5)
    expect(Math.abs(still.y - under.y)).toBeLessThan(0.5)
    // arrow keys pan the zoomed photo
    await page.keyboard.press('ArrowLeft')
    await page.waitForFunction((x0) => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { x: number } } } }).document
      return doc.querySelector('[data-testid="before-layer"]').getBoundingClientRect().x !== x0
    }, zoomed.x)
    const panned = (await page.evaluate(rectOf, 'before-layer'))!
    expect(panned.x - zoomed.x).toBeCloseTo(80, 0)

    await page.getByTestId('zoom-100').click()
    await page.getByTestId('zoom').filter({ hasText: /^100 %$/ }).waitFor()
    const layer = (await page.evaluate(rectOf, 'before-layer'))!
    expect(layer.width).toBeCloseTo(W, 0)
    const a = currentAnalysis()
    const range = legendRange(a.regions.map((r) => r.tHat), a.timestepRange)
    const points = a.regions.map((r) => [layer.x + r.box.x + r.box.width * 0.12, layer.y + r.box.y + r.box.height * 0.12] as [number, number])
    const heat = await page.evaluate(sampleCanvas, { testId: 'overlay-canvas-heatmap', points, box: null })
    a.regions.forEach((r, i) => {
      const want = timestepColor(r.tHat, range)
      for (let c = 0; c < 3; c++) expect(Math.abs(heat.at[i]![c]! - want[c]!), `region ${i}`).toBeLessThanOrEqual(2)
    })
    await shot('04-zoom-100')
    await page.keyboard.press('0')
  })

  it('toggles each overlay on its own, and the before/after slider changes what is shown', async () => {
    await page.keyboard.press('h')
    await page.waitForFunction(opacityIs, { testId: 'overlay-canvas-heatmap', want: 0 })
    const heat = await page.evaluate(sampleCanvas, { testId: 'overlay-canvas-heatmap', points: [], box: null })
    const glyphs = await page.evaluate(sampleCanvas, { testId: 'overlay-canvas-kernels', points: [], box: null })
    expect(heat.opacity).toBe('0')
    expect(Number(glyphs.opacity)).toBeGreaterThan(0.5)
    await page.keyboard.press('k')
    await page.waitForFunction(opacityIs, { testId: 'overlay-canvas-kernels', want: 0 })
    await page.getByRole('button', { name: 'Close' }).click()

    const layer = (await page.evaluate(rectOf, 'before-layer'))!
    const handle = (await page.evaluate(rectOf, 'split-handle'))!
    // a patch of the photo left of the divider: "before"
    const clip = { x: Math.round(layer.x + 20), y: Math.round(layer.y + 40), width: 60, height: 60 }
    expect(clip.x + clip.width).toBeLessThan(handle.x)
    const before = await viewerPixels(clip)
    await page.mouse.move(handle.x + 1, handle.y + handle.height / 2)
    await page.mouse.down()
    await page.mouse.move(layer.x + 2, handle.y + handle.height / 2, { steps: 5 })
    await page.mouse.up()
    const after = await viewerPixels(clip)
    expect(meanAbsDiff(before, after)).toBeGreaterThan(4)
    await shot('05-split-after')
    // the toggle key shows the original again over the whole photo
    await page.keyboard.press('b')
    await page.waitForFunction(imagesLoaded, 'before-layer')
    expect(meanAbsDiff(before, await viewerPixels(clip))).toBeLessThan(1)
    await page.keyboard.press('b')
  })

  it('exports the photo keeping its EXIF, and the kernel map as PNG + JSON', async () => {
    const out = join(h.dir, 'shaky_deblurred.jpg')
    h.dialog.save = out
    await page.getByTestId('export').click()
    await page.getByTestId('notice').filter({ hasText: 'Exported' }).waitFor()
    const meta = await sharp(out).metadata()
    expect([meta.width, meta.height, meta.format]).toEqual([W, H, 'jpeg'])
    const tags = JSON.parse(execFileSync('exiftool', ['-j', '-Make', '-Model', '-Artist', '-Orientation#', out], { encoding: 'utf8' })) as Record<string, unknown>[]
    expect(tags[0]).toMatchObject({ Make: EXIF.Make, Model: EXIF.Model, Artist: EXIF.Artist })

    const map = join(h.dir, 'shaky_kernel-map.png')
    h.dialog.save = map
    await page.getByTestId('export-kernel-map').click()
    await page.getByTestId('notice').filter({ hasText: 'Kernel map written' }).waitFor()
    // the same sidecar format a batch writes (src/main/jobs/kernel-map.ts)
    const json = JSON.parse(await readFile(join(h.dir, 'shaky_kernel-map.json'), 'utf8')) as { schema: string; kernelSize: number; regions: { tHat: number; kernel: number[] }[] }
    const a = currentAnalysis()
    expect(json.schema).toBe('fidediff-kernel-map/1')
    expect(json.regions.map((r) => r.tHat)).toEqual(a.regions.map((r) => r.tHat))
    expect(json.kernelSize).toBe(19)
    expect(json.regions[0]!.kernel).toHaveLength(361)
    expect((await sharp(map).metadata()).format).toBe('png')
    await shot('06-exported')
  })

  it('deblurs a dragged rectangle as a fast preview', async () => {
    await page.getByTestId('select-region').click()
    const [x0, y0] = await photoToPage(100, 80)
    const [x1, y1] = await photoToPage(260, 200)
    await page.mouse.move(x0, y0)
    await page.mouse.down()
    await page.mouse.move(x1, y1, { steps: 6 })
    await page.mouse.up()
    const final = await finishedJob('region', 1)
    expect(final.status).toBe('done')
    if (final.status !== 'done' || final.result.kind !== 'region') throw new Error('no region result')
    // the drag was from photo pixel (100, 80) to (260, 200); screen rounding may add a pixel
    const got = final.result.box
    for (const [k, v] of [['x', 100], ['y', 80], ['width', 160], ['height', 120]] as const) expect(Math.abs(got[k] - v), k).toBeLessThanOrEqual(2)
    await page.getByTestId('region-preview').waitFor()
    await page.waitForFunction(imagesLoaded, 'region-preview')
    await shot('07-region-preview')
  })

  it('a corrupt file shows an error naming it, and the open photo stays', async () => {
    const broken = join(h.dir, 'broken.jpg')
    await writeFile(broken, Buffer.concat([(await readFile(photo)).subarray(0, 300)]))
    h.dialog.open = broken
    await page.getByRole('button', { name: 'Open…' }).click()
    const error = page.getByTestId('error')
    await error.waitFor()
    await expect(error.textContent()).resolves.toContain('broken.jpg')
    await expect(page.getByTestId('photo-summary').textContent()).resolves.toContain('shaky.jpg')
    await shot('08-corrupt-error')
    await page.getByRole('button', { name: 'Dismiss' }).click()
  })

  it('opens a dropped photo, and cancel stops a deblur within a tile', async () => {
    const big = join(dropDir, 'big.jpg')
    await makeShakyJpeg(big, 2600, 1800)
    await page.evaluate(dropFile, 'big.jpg')
    await page.getByTestId('photo-summary').filter({ hasText: 'big.jpg' }).waitFor()
    await page.waitForFunction(imagesLoaded, 'before-layer')
    await page.getByTestId('deblur').click()
    await page.getByTestId('job-tiles').filter({ hasText: /tile [1-9]\d* of/ }).waitFor()
    await page.getByTestId('last-tile').waitFor()
    await shot('09-deblur-running')
    await page.getByTestId('cancel').click()
    const final = await finishedJob('deblur', 2)
    expect(final.status).toBe('cancelled')
    await page.getByTestId('notice').filter({ hasText: 'Cancelled.' }).waitFor()
    const progress = (h.events['job:progress'] ?? []).filter((e) => e.jobId === final.jobId)
    const total = progress[0]!.progress.total
    expect(progress.length).toBeLessThan(total)
    expect(await page.getByTestId('after-layer').count()).toBe(0)
    await shot('10-cancelled')

    // at 100 % a big photo is sharpened by the visible preview tiles only
    await page.keyboard.press('1')
    await page.getByTestId('zoom').filter({ hasText: /^100 %$/ }).waitFor()
    await page.getByTestId('preview-tile').first().waitFor()
    await page.waitForFunction(imagesLoaded, 'before-layer')
    const tiles = await page.getByTestId('preview-tile').count()
    expect(tiles).toBeGreaterThanOrEqual(2)
    expect(tiles).toBeLessThanOrEqual(9)
    await shot('11-big-photo-100-tiles')
  })
})

it('ran without page errors, console errors or CSP violations', () => {
  // the corrupt photo's error is shown in the UI, not thrown
  expect(ui.problems).toEqual([])
  expect(existsSync(join(h.dir, 'shaky_deblurred.jpg'))).toBe(true)
})
