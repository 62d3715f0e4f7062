/**
 * Canvas drawing of the two overlays (DOM side effects; the layout maths is in
 * overlay-layout.ts). Both draw in screen pixels from the same placed regions, so they sit
 * exactly on the photo at any zoom. Canvases are sized in device pixels for crisp glyphs.
 */
import type { PhotoAnalysis } from '../../../shared/domain.ts'
import { kernelGlyphPixels, timestepColor, cssRgb, type TimestepRange } from './colormap.ts'
import { glyphRect, type PlacedRegion } from './overlay-layout.ts'

/** Prepare a canvas for drawing in CSS pixels at the screen's device-pixel ratio. */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number, dpr: number): CanvasRenderingContext2D | null {
  const w = Math.max(1, Math.round(width * dpr))
  const h = Math.max(1, Math.round(height * dpr))
  if (canvas.width !== w) canvas.width = w
  if (canvas.height !== h) canvas.height = h
  const ctx = canvas.getContext('2d')
  if (!ctx) return null
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
  ctx.clearRect(0, 0, width, height)
  return ctx
}

/** t̂ heatmap: each region filled with its colour (opacity is the canvas's CSS opacity). */
export function drawHeatmap(ctx: CanvasRenderingContext2D, placed: PlacedRegion[], range: TimestepRange): void {
  for (const { region, rect } of placed) {
    ctx.fillStyle = cssRgb(timestepColor(region.tHat, range))
    // +0.5 px closes hairline gaps between neighbouring regions at fractional zooms
    ctx.fillRect(rect.x, rect.y, rect.width + 0.5, rect.height + 0.5)
  }
}

/** A kernel's m×m taps as a tiny canvas, to be scaled up without smoothing. */
export function kernelBitmap(taps: readonly number[], m: number): HTMLCanvasElement {
  const c = document.createElement('canvas')
  c.width = c.height = m
  c.getContext('2d')?.putImageData(new ImageData(kernelGlyphPixels(taps, m), m, m), 0, 0)
  return c
}

/** One bitmap per region, made once per analysis and scaled when drawn. */
export function kernelBitmaps(analysis: PhotoAnalysis): HTMLCanvasElement[] {
  return analysis.regions.map((region) => kernelBitmap(region.kernel.taps, region.kernel.size))
}

/** Kernel glyph grid: each region's kernel drawn small in its centre on a dark backing square. */
export function drawKernelGlyphs(ctx: CanvasRenderingContext2D, placed: PlacedRegion[], bitmaps: HTMLCanvasElement[]): void {
  ctx.imageSmoothingEnabled = false
  for (const { index, region, rect } of placed) {
    const g = glyphRect(rect, region.kernel.size)
    const bitmap = bitmaps[index]
    if (!g || !bitmap) continue
    ctx.fillStyle = 'rgb(0 0 0 / 0.6)'
    ctx.fillRect(g.x - 1, g.y - 1, g.width + 2, g.height + 2)
    ctx.drawImage(bitmap, g.x, g.y, g.width, g.height)
    ctx.strokeStyle = 'rgb(255 255 255 / 0.25)'
    ctx.lineWidth = 1
    ctx.strokeRect(g.x - 0.5, g.y - 0.5, g.width + 1, g.height + 1)
  }
}
