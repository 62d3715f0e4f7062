/**
 * Zoom and pan maths for the viewer, pure (STYLE.md habit 4). A view maps image pixels to
 * screen pixels: screen = image × zoom + pan. Every overlay is drawn through the same
 * mapping, which is what keeps them registered with the photo at every zoom level.
 */

export interface Point {
  x: number
  y: number
}
export interface Size {
  width: number
  height: number
}
export interface Rect extends Point, Size {}
export interface View {
  zoom: number
  panX: number
  panY: number
}

export const MIN_ZOOM = 1 / 64
export const MAX_ZOOM = 32
/** the steps Zoom In / Zoom Out move through (like most photo editors) */
export const ZOOM_STEPS = [1 / 32, 1 / 16, 1 / 8, 1 / 6, 1 / 4, 1 / 3, 1 / 2, 2 / 3, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 32]

export function clampZoom(zoom: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom))
}

export function imageToScreen(view: View, p: Point): Point {
  return { x: p.x * view.zoom + view.panX, y: p.y * view.zoom + view.panY }
}

export function screenToImage(view: View, p: Point): Point {
  return { x: (p.x - view.panX) / view.zoom, y: (p.y - view.panY) / view.zoom }
}

export function imageRectToScreen(view: View, r: Rect): Rect {
  return { x: r.x * view.zoom + view.panX, y: r.y * view.zoom + view.panY, width: r.width * view.zoom, height: r.height * view.zoom }
}

/**
 * Keeps the photo on screen: a photo smaller than the viewport is centred on that axis,
 * a larger one cannot be dragged so far that a gap opens at its edge.
 */
export function clampPan(view: View, image: Size, viewport: Size): View {
  const axis = (pan: number, imageLen: number, viewLen: number): number => {
    const len = imageLen * view.zoom
    if (len <= viewLen) return (viewLen - len) / 2
    return Math.min(0, Math.max(viewLen - len, pan))
  }
  return { zoom: view.zoom, panX: axis(view.panX, image.width, viewport.width), panY: axis(view.panY, image.height, viewport.height) }
}

/** The whole photo in the viewport with a margin, centred (may enlarge small photos up to 8×). */
export function fitView(image: Size, viewport: Size, margin = 16): View {
  const w = Math.max(1, viewport.width - 2 * margin)
  const h = Math.max(1, viewport.height - 2 * margin)
  const zoom = clampZoom(Math.min(w / image.width, h / image.height, 8))
  return clampPan({ zoom, panX: 0, panY: 0 }, image, viewport)
}

/** Zoom by `factor` keeping the image point under `anchor` (the cursor) where it is. */
export function zoomAt(view: View, factor: number, anchor: Point, image: Size, viewport: Size): View {
  const zoom = clampZoom(view.zoom * factor)
  const p = screenToImage(view, anchor)
  return clampPan({ zoom, panX: anchor.x - p.x * zoom, panY: anchor.y - p.y * zoom }, image, viewport)
}

/** 100 %: one photo pixel per screen pixel, around `anchor` (default: the viewport centre). */
export function actualSizeView(view: View, image: Size, viewport: Size, anchor?: Point): View {
  const a = anchor ?? { x: viewport.width / 2, y: viewport.height / 2 }
  return zoomAt(view, 1 / view.zoom, a, image, viewport)
}

export function panBy(view: View, dx: number, dy: number, image: Size, viewport: Size): View {
  return clampPan({ zoom: view.zoom, panX: view.panX + dx, panY: view.panY + dy }, image, viewport)
}

/** The next zoom step up (direction 1) or down (−1) from `zoom`. */
export function stepZoom(zoom: number, direction: 1 | -1): number {
  if (direction > 0) return ZOOM_STEPS.find((s) => s > zoom * 1.001) ?? MAX_ZOOM
  return [...ZOOM_STEPS].reverse().find((s) => s < zoom / 1.001) ?? MIN_ZOOM
}

/** Wheel delta → zoom factor; pixel, line and page deltas all zoom at a comparable speed. */
export function wheelZoomFactor(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY
  return Math.exp(-Math.max(-400, Math.min(400, px)) * 0.002)
}

/** A rectangle dragged from a to b (either direction), in whole image pixels inside the photo. */
export function selectionBox(a: Point, b: Point, image: Size): Rect | null {
  const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x)))
  const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y)))
  const x1 = Math.min(image.width, Math.ceil(Math.max(a.x, b.x)))
  const y1 = Math.min(image.height, Math.ceil(Math.max(a.y, b.y)))
  if (x1 - x0 < 2 || y1 - y0 < 2) return null
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}
