import { describe, expect, it } from 'vitest'
import {
  actualSizeView,
  clampPan,
  fitView,
  imageRectToScreen,
  imageToScreen,
  panBy,
  screenToImage,
  selectionBox,
  stepZoom,
  wheelZoomFactor,
  zoomAt,
  MAX_ZOOM,
  MIN_ZOOM,
} from '../../src/renderer/src/lib/viewport.ts'
import { basePreviewLevel, previewLevelFor, parsePreviewPath, previewUrl, tileBox, visibleTiles, PREVIEW_TILE } from '../../src/shared/preview-url.ts'

const image = { width: 4000, height: 3000 }
const viewport = { width: 1000, height: 800 }

describe('viewer zoom and pan', () => {
  it('fit shows the whole photo centred inside the margin', () => {
    const v = fitView(image, viewport, 16)
    expect(v.zoom).toBeCloseTo(Math.min(968 / 4000, 768 / 3000), 10)
    const tl = imageToScreen(v, { x: 0, y: 0 })
    const br = imageToScreen(v, { x: image.width, y: image.height })
    expect(tl.x).toBeGreaterThanOrEqual(16 - 1e-9)
    expect(br.x).toBeLessThanOrEqual(viewport.width - 16 + 1e-9)
    // centred on both axes
    expect(tl.x + br.x).toBeCloseTo(viewport.width, 6)
    expect(tl.y + br.y).toBeCloseTo(viewport.height, 6)
  })

  it('zooming with the wheel keeps the photo pixel under the cursor in place', () => {
    const start = fitView(image, viewport)
    const cursor = { x: 700, y: 300 }
    const before = screenToImage(start, cursor)
    const v = zoomAt(start, 3, cursor, image, viewport)
    expect(v.zoom).toBeCloseTo(start.zoom * 3, 10)
    const after = screenToImage(v, cursor)
    expect(after.x).toBeCloseTo(before.x, 6)
    expect(after.y).toBeCloseTo(before.y, 6)
  })

  it('100 % maps one photo pixel to one screen pixel around the cursor', () => {
    const start = fitView(image, viewport)
    const cursor = { x: 400, y: 420 }
    const under = screenToImage(start, cursor)
    const v = actualSizeView(start, image, viewport, cursor)
    expect(v.zoom).toBe(1)
    const p = imageToScreen(v, under)
    expect(p.x).toBeCloseTo(cursor.x, 6)
    expect(p.y).toBeCloseTo(cursor.y, 6)
  })

  it('panning a zoomed photo moves it but never opens a gap at its edges', () => {
    const v = { zoom: 1, panX: -100, panY: -100 }
    const moved = panBy(v, 50, -20, image, viewport)
    expect(moved).toEqual({ zoom: 1, panX: -50, panY: -120 })
    const tooFar = panBy(v, 5000, 5000, image, viewport)
    expect(tooFar.panX).toBe(0)
    expect(tooFar.panY).toBe(0)
    const otherWay = panBy(v, -1e6, -1e6, image, viewport)
    expect(otherWay.panX).toBe(viewport.width - image.width)
    expect(otherWay.panY).toBe(viewport.height - image.height)
  })

  it('a photo smaller than the viewport stays centred whatever the pan', () => {
    const small = { width: 200, height: 100 }
    const v = clampPan({ zoom: 1, panX: 999, panY: -999 }, small, viewport)
    expect(v.panX).toBe(400)
    expect(v.panY).toBe(350)
  })

  it('zoom stays within its limits and steps move to the next preset', () => {
    const v = zoomAt({ zoom: 1, panX: 0, panY: 0 }, 1e6, { x: 0, y: 0 }, image, viewport)
    expect(v.zoom).toBe(MAX_ZOOM)
    const w = zoomAt({ zoom: 1, panX: 0, panY: 0 }, 1e-9, { x: 0, y: 0 }, image, viewport)
    expect(w.zoom).toBe(MIN_ZOOM)
    expect(stepZoom(1, 1)).toBe(1.5)
    expect(stepZoom(1, -1)).toBeCloseTo(2 / 3, 10)
    expect(stepZoom(0.3, 1)).toBeCloseTo(1 / 3, 10)
  })

  it('wheel up zooms in, wheel down zooms out, line and pixel deltas alike', () => {
    expect(wheelZoomFactor(-100, 0)).toBeGreaterThan(1)
    expect(wheelZoomFactor(100, 0)).toBeLessThan(1)
    expect(wheelZoomFactor(-3, 1)).toBeCloseTo(wheelZoomFactor(-48, 0), 10)
    expect(wheelZoomFactor(100, 0) * wheelZoomFactor(-100, 0)).toBeCloseTo(1, 10)
  })

  it('image rectangles land on screen where the image points do', () => {
    const v = { zoom: 0.25, panX: 10, panY: 20 }
    expect(imageRectToScreen(v, { x: 400, y: 800, width: 100, height: 40 })).toEqual({ x: 110, y: 220, width: 25, height: 10 })
  })

  it('a dragged selection becomes a whole-pixel box inside the photo, in either direction', () => {
    expect(selectionBox({ x: 120.6, y: 80.2 }, { x: 20.4, y: 10.9 }, image)).toEqual({ x: 20, y: 10, width: 101, height: 71 })
    expect(selectionBox({ x: -50, y: -50 }, { x: 10, y: 10 }, image)).toEqual({ x: 0, y: 0, width: 10, height: 10 })
    expect(selectionBox({ x: 5, y: 5 }, { x: 6, y: 5.5 }, image)).toBeNull()
  })
})

describe('previews at the zoom shown', () => {
  it('asks for the smallest preview that is not upscaled on screen', () => {
    expect(previewLevelFor(1)).toBe(0)
    expect(previewLevelFor(2)).toBe(0)
    expect(previewLevelFor(0.5)).toBe(1)
    expect(previewLevelFor(0.3)).toBe(1)
    expect(previewLevelFor(0.25)).toBe(2)
    expect(previewLevelFor(0.3, 2)).toBe(0)
    expect(previewLevelFor(1e-6)).toBe(8)
  })

  it('preview URLs round-trip and anything else is refused', () => {
    const r = { token: 'a'.repeat(32), variant: 'result' as const, version: 3, level: 2 }
    expect(parsePreviewPath(previewUrl(r))).toEqual(r)
    const tile = { ...r, level: 0, tile: { x: 3, y: 11 } }
    expect(previewUrl(tile)).toBe(`/photo/${'a'.repeat(32)}/result/3/0/3-11.jpg`)
    expect(parsePreviewPath(previewUrl(tile))).toEqual(tile)
    for (const bad of [
      '/photo/../../etc/passwd',
      `/photo/${'a'.repeat(32)}/original/0/../../x.jpg`,
      `/photo/${'A'.repeat(32)}/original/0/1.jpg`,
      `/photo/${'a'.repeat(32)}/secret/0/1.jpg`,
      `/photo/${'a'.repeat(32)}/original/0/9.jpg`,
      `/photo/${'a'.repeat(32)}/original/0/1.jpg/..`,
      `/photo/${'a'.repeat(32)}/original/0/1/-1-2.jpg`,
      `/photo/${'a'.repeat(32)}/original/0/1/1-2/../x.jpg`,
    ])
      expect(parsePreviewPath(bad)).toBeNull()
  })
})

describe('preview tiles for big photos', () => {
  it('a 50 MP photo shows a ~1–2k px base level and only the visible tiles at 100 %', () => {
    const w = 8660
    const h = 5774
    expect(basePreviewLevel(w, h)).toBe(3)
    expect(basePreviewLevel(1000, 800)).toBe(0)
    // a 1280×800 window at 100 % somewhere in the middle: at most 4×3 tiles, not 17×12
    const tiles = visibleTiles(w, h, 0, { x: 3000.5, y: 2000.5, width: 1280, height: 800 })
    expect(tiles.length).toBeLessThanOrEqual(12)
    expect(tiles.length).toBeGreaterThanOrEqual(6)
    for (const t of tiles) {
      expect(t.box.x).toBeLessThan(3000.5 + 1280)
      expect(t.box.x + t.box.width).toBeGreaterThan(3000.5)
    }
  })

  it('tiles cover the photo exactly once, clipped at its right and bottom edges', () => {
    const w = 1500
    const h = 700
    for (const level of [0, 1]) {
      const all = visibleTiles(w, h, level, { x: -100, y: -100, width: 1e6, height: 1e6 })
      const area = all.reduce((sum, t) => sum + t.box.width * t.box.height, 0)
      expect(area).toBe(w * h)
    }
    expect(tileBox(w, h, 0, 2, 1)).toEqual({ x: 2 * PREVIEW_TILE, y: PREVIEW_TILE, width: w - 2 * PREVIEW_TILE, height: h - PREVIEW_TILE })
    expect(tileBox(w, h, 1, 1, 0)).toEqual({ x: 1024, y: 0, width: w - 1024, height: 700 })
    expect(tileBox(w, h, 0, 3, 0)).toBeNull()
  })
})
