/**
 * The viewer's geometry as reactive state (STYLE.md: state in classes, #private $state,
 * getters, action methods). All maths is in viewport.ts; this class only holds the current
 * view and the sizes it depends on.
 */
import { previewLevelFor } from '../../../shared/preview-url.ts'
import * as vp from './viewport.ts'

export class ViewState {
  #zoom = $state(1)
  #panX = $state(0)
  #panY = $state(0)
  #viewport = $state<vp.Size>({ width: 800, height: 600 })
  #image = $state<vp.Size | null>(null)
  /** true until the user zooms or pans: a resize then refits */
  #fitted = $state(true)

  get view(): vp.View {
    return { zoom: this.#zoom, panX: this.#panX, panY: this.#panY }
  }
  get zoom(): number {
    return this.#zoom
  }
  get viewport(): vp.Size {
    return this.#viewport
  }
  get image(): vp.Size | null {
    return this.#image
  }
  /** the preview level sharp renders for the zoom shown (1 / 2^level) */
  previewLevel(pixelRatio: number): number {
    return previewLevelFor(this.#zoom, pixelRatio)
  }

  #set(v: vp.View): void {
    this.#zoom = v.zoom
    this.#panX = v.panX
    this.#panY = v.panY
  }

  setImage(size: vp.Size | null): void {
    this.#image = size
    this.fit()
  }

  setViewport(size: vp.Size): void {
    if (size.width === this.#viewport.width && size.height === this.#viewport.height) return
    this.#viewport = size
    if (!this.#image) return
    if (this.#fitted) this.fit()
    else this.#set(vp.clampPan(this.view, this.#image, size))
  }

  fit(): void {
    this.#fitted = true
    if (this.#image) this.#set(vp.fitView(this.#image, this.#viewport))
  }

  actualSize(anchor?: vp.Point): void {
    if (!this.#image) return
    this.#fitted = false
    this.#set(vp.actualSizeView(this.view, this.#image, this.#viewport, anchor))
  }

  zoomAt(factor: number, anchor?: vp.Point): void {
    if (!this.#image) return
    this.#fitted = false
    const a = anchor ?? { x: this.#viewport.width / 2, y: this.#viewport.height / 2 }
    this.#set(vp.zoomAt(this.view, factor, a, this.#image, this.#viewport))
  }

  step(direction: 1 | -1, anchor?: vp.Point): void {
    this.zoomAt(vp.stepZoom(this.#zoom, direction) / this.#zoom, anchor)
  }

  panBy(dx: number, dy: number): void {
    if (!this.#image) return
    this.#fitted = false
    this.#set(vp.panBy(this.view, dx, dy, this.#image, this.#viewport))
  }

  toImage(p: vp.Point): vp.Point {
    return vp.screenToImage(this.view, p)
  }
}
