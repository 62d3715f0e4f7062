/**
 * Functions the e2e test runs inside the page (page.evaluate): each is self-contained, since
 * Playwright sends its source text. Minimal DOM shapes are declared here because the node
 * tsconfig has no DOM library.
 */
interface Rect {
  x: number
  y: number
  width: number
  height: number
}
interface CanvasLike {
  width: number
  height: number
  getBoundingClientRect(): Rect
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null
}
interface ElementLike {
  getBoundingClientRect(): Rect
}
interface DocLike {
  querySelector(selector: string): unknown
}

export interface CanvasSample {
  /** rgba at each asked point (page coordinates) */
  at: number[][]
  /** share of the canvas's pixels that are not transparent */
  opaqueShare: number
  /** share of pixels inside `box` (page coordinates) that are not transparent */
  boxOpaqueShare: number
  opacity: string
}

/** Pixels of an overlay canvas at page points, plus how much of it (and of a box) is drawn. */
export function sampleCanvas(arg: { testId: string; points: [number, number][]; box: Rect | null }): CanvasSample {
  const doc = (globalThis as unknown as { document: DocLike }).document
  const canvas = doc.querySelector(`[data-testid="${arg.testId}"]`) as CanvasLike | null
  if (!canvas) throw new Error(`no canvas ${arg.testId}`)
  const ctx = canvas.getContext('2d')!
  const r = canvas.getBoundingClientRect()
  const sx = canvas.width / r.width
  const sy = canvas.height / r.height
  const all = ctx.getImageData(0, 0, canvas.width, canvas.height).data
  let opaque = 0
  for (let i = 3; i < all.length; i += 4) if (all[i]! > 0) opaque++
  const pixel = (x: number, y: number): number[] => {
    const cx = Math.floor((x - r.x) * sx)
    const cy = Math.floor((y - r.y) * sy)
    const i = (cy * canvas.width + cx) * 4
    return [all[i]!, all[i + 1]!, all[i + 2]!, all[i + 3]!]
  }
  let boxOpaque = 0
  let boxTotal = 0
  if (arg.box) {
    for (let y = Math.ceil(arg.box.y); y < arg.box.y + arg.box.height - 1; y++)
      for (let x = Math.ceil(arg.box.x); x < arg.box.x + arg.box.width - 1; x++) {
        boxTotal++
        if (pixel(x, y)[3]! > 0) boxOpaque++
      }
  }
  const style = (globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(canvas)
  return {
    at: arg.points.map(([x, y]) => pixel(x, y)),
    opaqueShare: opaque / (canvas.width * canvas.height),
    boxOpaqueShare: boxTotal ? boxOpaque / boxTotal : 0,
    opacity: style.opacity,
  }
}

/** Page rectangle of an element, or null when it is not there. */
export function rectOf(testId: string): Rect | null {
  const doc = (globalThis as unknown as { document: DocLike }).document
  const el = doc.querySelector(`[data-testid="${testId}"]`) as ElementLike | null
  if (!el) return null
  const r = el.getBoundingClientRect()
  return { x: r.x, y: r.y, width: r.width, height: r.height }
}

/** True once every <img> inside the element has loaded pixels. */
export function imagesLoaded(testId: string): boolean {
  const doc = (globalThis as unknown as { document: DocLike }).document
  const el = doc.querySelector(`[data-testid="${testId}"]`) as { querySelectorAll?(s: string): ArrayLike<{ complete: boolean; naturalWidth: number }>; complete?: boolean; naturalWidth?: number } | null
  if (!el) return false
  const imgs = el.querySelectorAll ? Array.from(el.querySelectorAll('img')) : []
  const list = imgs.length > 0 ? imgs : [el as { complete: boolean; naturalWidth: number }]
  return list.every((i) => i.complete && i.naturalWidth > 0)
}

/** Drop a (tiny, made-up) file named `name` on the editor, as the OS would. */
export function dropFile(name: string): void {
  const g = globalThis as unknown as {
    document: DocLike
    DataTransfer: new () => { items: { add(f: unknown): void } }
    File: new (parts: string[], name: string, opts: { type: string }) => unknown
    DragEvent: new (type: string, init: { dataTransfer: unknown; bubbles: boolean; cancelable: boolean }) => unknown
  }
  const dt = new g.DataTransfer()
  dt.items.add(new g.File(['x'], name, { type: 'image/jpeg' }))
  const target = g.document.querySelector('.app') as { dispatchEvent(e: unknown): boolean }
  target.dispatchEvent(new g.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
}

/** True once the element's computed opacity has settled at `want` (after the fade). */
export function opacityIs(arg: { testId: string; want: number }): boolean {
  const g = globalThis as unknown as { document: DocLike; getComputedStyle(e: unknown): { opacity: string } }
  const el = g.document.querySelector(`[data-testid="${arg.testId}"]`)
  return el !== null && Math.abs(Number(g.getComputedStyle(el).opacity) - arg.want) < 1e-3
}
