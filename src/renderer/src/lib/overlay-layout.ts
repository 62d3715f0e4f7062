/**
 * Where the overlays go on screen, pure: region boxes (original-image pixels, from the
 * engine's PhotoAnalysis) through the current view, the kernel glyph square inside each
 * region, culling to the viewport, and which region a point falls in.
 */
import type { Box, PhotoAnalysis, RegionAnalysis } from '../../../shared/domain.ts'
import { imageRectToScreen, type Point, type Rect, type Size, type View } from './viewport.ts'

export interface PlacedRegion {
  index: number
  region: RegionAnalysis
  rect: Rect
}

function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

/** Regions at their screen position; only those at least partly inside the viewport. */
export function placeRegions(analysis: PhotoAnalysis, view: View, viewport: Size): PlacedRegion[] {
  const screen: Rect = { x: 0, y: 0, width: viewport.width, height: viewport.height }
  const out: PlacedRegion[] = []
  analysis.regions.forEach((region, index) => {
    const rect = imageRectToScreen(view, region.box)
    if (intersects(rect, screen)) out.push({ index, region, rect })
  })
  return out
}

/** Smallest glyph worth drawing: below this a 19×19 kernel is unreadable noise. */
export const MIN_GLYPH_PX = 12

/**
 * The kernel glyph's square inside a region's screen rect: centred, 70 % of the shorter side,
 * snapped to whole taps when it is large enough (crisp taps), or null when too small.
 */
export function glyphRect(rect: Rect, kernelSize: number): Rect | null {
  let side = Math.min(rect.width, rect.height) * 0.7
  if (side < MIN_GLYPH_PX) return null
  if (side >= kernelSize * 2) side = Math.floor(side / kernelSize) * kernelSize
  return { x: rect.x + (rect.width - side) / 2, y: rect.y + (rect.height - side) / 2, width: side, height: side }
}

function inside(p: Point, b: Box): boolean {
  return p.x >= b.x && p.y >= b.y && p.x < b.x + b.width && p.y < b.y + b.height
}

/** Index of the region containing the image point, or null outside the photo. */
export function regionIndexAt(analysis: PhotoAnalysis, p: Point): number | null {
  const i = analysis.regions.findIndex((r) => inside(p, r.box))
  return i >= 0 ? i : null
}

/**
 * The blur streak of a kernel for the enlarged view: a segment through the centre along the
 * principal direction (0° = horizontal, counter-clockwise, image y down), `lengthPx` long in
 * original pixels, scaled to `pxPerImagePx` screen pixels.
 */
export function streakSegment(directionDeg: number, lengthPx: number, centre: Point, pxPerImagePx: number): [Point, Point] {
  const r = (directionDeg * Math.PI) / 180
  const half = (lengthPx * pxPerImagePx) / 2
  const dx = Math.cos(r) * half
  const dy = -Math.sin(r) * half
  return [
    { x: centre.x - dx, y: centre.y - dy },
    { x: centre.x + dx, y: centre.y + dy },
  ]
}

/** Mean, min and max t̂ over the regions, for the legend and the status line. */
export function timestepStats(analysis: PhotoAnalysis): { mean: number; min: number; max: number } | null {
  if (analysis.regions.length === 0) return null
  const ts = analysis.regions.map((r) => r.tHat)
  return { mean: ts.reduce((a, b) => a + b, 0) / ts.length, min: Math.min(...ts), max: Math.max(...ts) }
}
