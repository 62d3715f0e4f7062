/**
 * The editor's state and actions: the open photo, the running job and its progress, the
 * analysis the overlays draw, settings and errors. Talks to the main process only through
 * the typed window.api (src/shared/ipc-contract.ts); big arrays are $state.raw.
 */
import type { Box, PhotoAnalysis, TileReport } from '../../../shared/domain.ts'
import type {
  Api,
  AppInfo,
  JobFinishedEvent,
  JobKind,
  JobProgressEvent,
  PhotoInfo,
  RecentEntry,
  Settings,
  SettingsPatch,
} from '../../../shared/ipc-contract.ts'
import { DEFAULT_SETTINGS } from '../../../shared/editor-defaults.ts'
import { exportName } from './format.ts'

export interface JobState {
  id: string
  kind: JobKind
  done: number
  total: number
  etaMs: number
  elapsedMs: number
  cancelling: boolean
}

export type OverlayName = 'heatmap' | 'kernels'

const EXT: Record<Settings['export']['format'], string> = { jpeg: 'jpg', png: 'png', tiff: 'tif', webp: 'webp', avif: 'avif' }

export class EditorState {
  readonly #api: Api
  #info = $state<AppInfo | null>(null)
  #settings = $state<Settings>(DEFAULT_SETTINGS)
  #recent = $state<RecentEntry[]>([])
  #photo = $state<PhotoInfo | null>(null)
  #analysis = $state.raw<PhotoAnalysis | null>(null)
  #tiles = $state.raw<TileReport[]>([])
  #resultVersion = $state(0)
  #region = $state<{ box: Box; version: number } | null>(null)
  #job = $state<JobState | null>(null)
  #error = $state<string | null>(null)
  #notice = $state<string | null>(null)
  #busy = $state(false)
  #selectedRegion = $state<number | null>(null)
  /** position of the before/after divider as a fraction of the viewer width */
  #split = $state(0.5)
  /** the toggle key shows the original over the whole photo while set */
  #showBefore = $state(false)
  #selecting = $state(false)
  #unsubscribe: (() => void)[] = []

  constructor(api: Api) {
    this.#api = api
  }

  get info() { return this.#info }
  get settings() { return this.#settings }
  get recent() { return this.#recent }
  get photo() { return this.#photo }
  get analysis() { return this.#analysis }
  get tiles() { return this.#tiles }
  /** the tile that finished last while a job runs (drawn as an outline: per-tile progress) */
  get lastTile() { return this.#job && this.#job.done > 0 ? (this.#tiles.at(-1) ?? null) : null }
  get resultVersion() { return this.#resultVersion }
  get hasResult() { return this.#resultVersion > 0 }
  get region() { return this.#region }
  get job() { return this.#job }
  get error() { return this.#error }
  get notice() { return this.#notice }
  get busy() { return this.#busy || this.#job !== null }
  get selectedRegion() { return this.#selectedRegion }
  get split() { return this.#split }
  get showBefore() { return this.#showBefore }
  get selecting() { return this.#selecting }

  async init(): Promise<void> {
    this.#unsubscribe.push(
      this.#api.onJobProgress((e) => this.#onProgress(e)),
      this.#api.onJobFinished((e) => this.#onFinished(e)),
      this.#api.onOpenRequested(({ path }) => void this.openPath(path)),
    )
    await this.#attempt(async () => {
      const [settings, recent] = await Promise.all([this.#api.getSettings(), this.#api.listRecent()])
      this.#settings = settings
      this.#recent = recent
      this.#info = await this.#api.getAppInfo()
    })
  }

  dispose(): void {
    for (const off of this.#unsubscribe) off()
    this.#unsubscribe = []
  }

  async #attempt(work: () => Promise<void>): Promise<boolean> {
    try {
      await work()
      return true
    } catch (error) {
      this.#error = error instanceof Error ? error.message : String(error)
      return false
    }
  }

  clearError(): void {
    this.#error = null
  }
  clearNotice(): void {
    this.#notice = null
  }

  async openDialog(): Promise<void> {
    await this.#attempt(async () => {
      const path = await this.#api.openPhotoDialog()
      if (path) await this.openPath(path)
    })
  }

  async openPath(path: string): Promise<void> {
    await this.#opening(() => this.#api.openPhoto({ path }))
  }

  async openDropped(file: File): Promise<void> {
    await this.#opening(() => this.#api.openDroppedFile(file))
  }

  async #opening(open: () => Promise<PhotoInfo>): Promise<void> {
    this.#busy = true
    this.#error = null
    this.#notice = null
    await this.#attempt(async () => {
      const info = await open()
      const previous = this.#photo
      if (this.#job) await this.cancel()
      this.#photo = info
      this.#analysis = null
      this.#tiles = []
      this.#resultVersion = 0
      this.#region = null
      this.#selectedRegion = null
      this.#showBefore = false
      if (previous) await this.#api.closePhoto({ token: previous.token })
    })
    this.#busy = false
    await this.#attempt(async () => {
      this.#recent = await this.#api.listRecent()
    })
  }

  #deblurOptions() {
    const s = this.#settings
    return { t: s.t, tOffset: s.tOffset, tileSize: s.tileSize, upscale2x: s.upscale2x }
  }

  async #startJob(kind: JobKind, start: () => Promise<{ jobId: string }>): Promise<void> {
    if (!this.#photo || this.#job) return
    this.#error = null
    this.#notice = null
    this.#job = { id: '', kind, done: 0, total: 0, etaMs: NaN, elapsedMs: 0, cancelling: false }
    const ok = await this.#attempt(async () => {
      const { jobId } = await start()
      if (this.#job && this.#job.id === '') this.#job = { ...this.#job, id: jobId }
    })
    if (!ok) this.#job = null
  }

  async deblur(): Promise<void> {
    const photo = this.#photo
    if (photo) await this.#startJob('deblur', () => this.#api.deblurPhoto({ token: photo.token, options: this.#deblurOptions() }))
  }

  async analyze(): Promise<void> {
    const photo = this.#photo
    if (photo) await this.#startJob('analyze', () => this.#api.analyzePhoto({ token: photo.token }))
  }

  async deblurRegion(box: Box): Promise<void> {
    const photo = this.#photo
    this.#selecting = false
    if (photo) await this.#startJob('region', () => this.#api.deblurRegion({ token: photo.token, box, options: this.#deblurOptions() }))
  }

  async cancel(): Promise<void> {
    const job = this.#job
    if (!job || !job.id) return
    this.#job = { ...job, cancelling: true }
    await this.#attempt(async () => {
      await this.#api.cancelJob({ jobId: job.id })
    })
  }

  /** The event belongs to the shown job (its id may not have come back from main yet). */
  #isCurrent(e: { jobId: string; kind: JobKind; token: string }): boolean {
    const job = this.#job
    if (!job || e.token !== this.#photo?.token) return false
    return job.id === e.jobId || (job.id === '' && job.kind === e.kind)
  }

  #onProgress(e: JobProgressEvent): void {
    if (!this.#isCurrent(e) || !this.#job) return
    if (this.#job.id === '') this.#job = { ...this.#job, id: e.jobId }
    const p = e.progress
    this.#job = { ...this.#job, done: p.done, total: p.total, etaMs: p.etaMs, elapsedMs: p.elapsedMs }
    this.#tiles = [...this.#tiles.filter((t) => t.index !== p.tile.index), p.tile]
  }

  #onFinished(e: JobFinishedEvent): void {
    // the job id may arrive after a very short job has already finished
    if (!this.#isCurrent(e)) return
    this.#job = null
    if (e.status === 'cancelled') {
      this.#notice = 'Cancelled.'
      return
    }
    if (e.status === 'failed') {
      this.#error = `${this.#photo?.name ?? 'photo'}: ${e.error}`
      return
    }
    const r = e.result
    if (r.kind === 'deblur') {
      this.#tiles = r.tiles
      if (r.analysis) this.#analysis = r.analysis
      this.#resultVersion = r.version
      this.#notice = `Deblurred in ${(r.elapsedMs / 1000).toFixed(1)} s on ${r.provider.toUpperCase()}.`
    } else if (r.kind === 'analyze') {
      this.#analysis = r.analysis
    } else {
      this.#region = { box: r.box, version: r.version }
      this.#tiles = r.tiles
    }
  }

  selectRegion(index: number | null): void {
    this.#selectedRegion = index
  }

  setSplit(fraction: number): void {
    this.#split = Math.min(1, Math.max(0, fraction))
  }

  toggleBefore(): void {
    this.#showBefore = !this.#showBefore
  }

  setSelecting(on: boolean): void {
    this.#selecting = on
  }

  async updateSettings(patch: SettingsPatch): Promise<void> {
    const before = this.#settings.model
    this.#settings = { ...this.#settings, ...patch }
    const ok = await this.#attempt(async () => {
      this.#settings = await this.#api.updateSettings(patch)
      // the provider or the model picks the engine: AppInfo says which one now runs
      if (patch.provider !== undefined || patch.model !== undefined) this.#info = await this.#api.getAppInfo()
    })
    if (!ok && patch.model !== undefined) this.#settings = { ...this.#settings, model: before } // main refused it
  }

  async setOverlay(name: OverlayName, change: Partial<Settings['overlays']['heatmap']>): Promise<void> {
    const overlays = { ...this.#settings.overlays, [name]: { ...this.#settings.overlays[name], ...change } }
    await this.updateSettings({ overlays })
  }

  async exportPhoto(): Promise<void> {
    const photo = this.#photo
    if (!photo) return
    const { format, quality, keepMetadata } = this.#settings.export
    await this.#attempt(async () => {
      const path = await this.#api.chooseExportPath({ suggestedName: exportName(photo.name, EXT[format]), format })
      if (!path) return
      const out = await this.#api.exportPhoto({ token: photo.token, path, format, quality, keepMetadata })
      this.#notice = `Exported ${out.path}`
    })
  }

  async exportKernelMap(): Promise<void> {
    const photo = this.#photo
    if (!photo) return
    await this.#attempt(async () => {
      const path = await this.#api.chooseKernelMapPath({ suggestedName: exportName(photo.name, 'png', '_kernel-map') })
      if (!path) return
      const out = await this.#api.exportKernelMap({ token: photo.token, path })
      this.#notice = `Kernel map written: ${out.png} and ${out.json}`
    })
  }

  async clearRecent(): Promise<void> {
    await this.#attempt(async () => {
      this.#recent = await this.#api.clearRecent()
    })
  }
}
