/**
 * Everything the editor's IPC commands do, Electron-free: the Electron adapter
 * (src/main/ipc/register.ts) and the e2e test bridge register these same functions through
 * handle(). Native dialogs and event delivery come in through `AppCoreContext`.
 */
import { extname } from 'node:path'
import type { DeblurSettings } from '../../shared/domain.ts'
import type { DeblurOptions, EventName, EventPayloads, ExportFormat } from '../../shared/ipc-contract.ts'
import type { CommandImpls } from '../ipc/handle.ts'
import { fixedInputSize } from '../engine/deblur-engine.ts'
import type { LoadedModel } from '../engine/index.ts'
import { decodePhoto, encodePhoto, isSupportedPhotoPath } from '../images/index.ts'
import { BatchJobs, type FolderDialogs } from './batch-jobs.ts'
import { EngineHost, type EngineSelection } from './engine-host.ts'
import { exportKernelMap, sidecarPath } from './kernel-map-export.ts'
import { PathGrants } from './path-grants.ts'
import { PhotoJobs } from './photo-jobs.ts'
import { PhotoLibrary } from './photo-library.ts'
import { RecentList } from './recent-list.ts'
import { SettingsStore } from './settings-store.ts'

export interface Dialogs extends FolderDialogs {
  openPhoto(): Promise<string | null>
  savePhoto(suggestedName: string, format: ExportFormat): Promise<string | null>
  saveKernelMap(suggestedName: string): Promise<string | null>
}

export interface AppCoreContext {
  userDataDir: string
  version: string
  platform: string
  dialogs: Dialogs
  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void
  /** "Open output folder" of the Batch panel (shell.showItemInFolder in Electron) */
  showItemInFolder(path: string): void
  modelDirs?: string[]
  threads?: number
  /** the built app's bundled engine worker (out/main/engine-worker.js) */
  engineWorker?: URL
  /** the built app's bundled tile worker (out/main/tile-worker.js), started by the engine worker */
  tileWorker?: URL
}

/**
 * The engine's settings from the editor's controls (seed §A: ×2 off = upscale 1). A
 * fixed-input-size restorer (MAXIM-3S at 256²) runs only its own tile and scale: the picker
 * greys those controls out, so their stored values are left out rather than refused.
 */
export function deblurSettingsFrom(options: DeblurOptions, restorer?: LoadedModel): DeblurSettings {
  const settings: DeblurSettings = { t: options.t, tOffset: options.tOffset }
  if (restorer && fixedInputSize(restorer) !== null) return settings
  if (options.tileSize !== null) settings.tile = options.tileSize
  if (!options.upscale2x) settings.upscale = 1
  return settings
}

export type AppCore = Awaited<ReturnType<typeof createAppCore>>

export async function createAppCore(ctx: AppCoreContext) {
  const settings = new SettingsStore(ctx.userDataDir)
  const recent = new RecentList(ctx.userDataDir)
  const grants = new PathGrants()
  const library = new PhotoLibrary()
  const engines = new EngineHost({ modelDirs: ctx.modelDirs, threads: ctx.threads, workerEntry: ctx.engineWorker, tileWorkerEntry: ctx.tileWorker })
  const jobs = new PhotoJobs({
    progress: (e) => ctx.emit('job:progress', e),
    finished: (e) => ctx.emit('job:finished', e),
  })
  const batches = new BatchJobs({
    grants,
    engines,
    selection: () => selection(),
    dialogs: ctx.dialogs,
    emit: ctx.emit,
    showItemInFolder: ctx.showItemInFolder,
  })
  await settings.load()
  const selection = (): EngineSelection => ({ provider: settings.current.provider, model: settings.current.model })
  // SECURITY.md "Beyond Electron": the recent list is one of the three ways a path is granted
  for (const entry of await recent.load()) grants.grantRead(entry.path, 'recent')

  async function openGranted(path: string) {
    const file = grants.requireRead(path)
    const decoded = await decodePhoto(file)
    const photo = library.add(decoded)
    await recent.add(file)
    return photo.info
  }

  const impls: CommandImpls = {
    'app:info': async () => ({ version: ctx.version, platform: ctx.platform, ...(await engines.status(selection())) }),
    'settings:get': async () => settings.current,
    'settings:update': async (patch) => {
      if (patch.model !== undefined && patch.model !== settings.current.model) {
        if (patch.model !== null) await engines.checkModelId(patch.model)
        // a batch keeps the model it started with (its journal and output names are keyed by it)
        if (batches.busy) throw new Error('a batch is running: wait for it to finish or cancel it before changing the model')
      }
      return settings.update(patch)
    },
    'recent:list': async () => recent.entries,
    'recent:clear': async () => {
      for (const entry of recent.entries) grants.revokeRead(entry.path)
      return recent.clear()
    },
    'dialog:openPhoto': async () => {
      const path = await ctx.dialogs.openPhoto()
      return path === null ? null : grants.grantRead(path, 'dialog')
    },
    'dialog:exportPhoto': async ({ suggestedName, format }) => {
      const path = await ctx.dialogs.savePhoto(suggestedName, format)
      return path === null ? null : grants.grantWrite(path)
    },
    'dialog:exportKernelMap': async ({ suggestedName }) => {
      const chosen = await ctx.dialogs.saveKernelMap(suggestedName)
      if (chosen === null) return null
      const path = extname(chosen).toLowerCase() === '.png' ? chosen : `${chosen}.png`
      grants.grantWrite(sidecarPath(path))
      return grants.grantWrite(path)
    },
    'photo:open': async ({ path }) => openGranted(path),
    'photo:openDropped': async ({ path }) => {
      // the preload derived this path from a real dropped File (webUtils.getPathForFile)
      grants.grantRead(path, 'drop')
      return openGranted(path)
    },
    'photo:close': async ({ token }) => {
      jobs.cancelAll(token)
      return library.close(token)
    },
    'photo:analyze': async ({ token, grid }) => {
      const photo = library.get(token)
      const engine = await engines.analyzer(selection())
      if (!engine) throw new Error('analysis (t̂ and kernels) needs a fidediff model, and none is installed')
      const jobId = jobs.start(token, 'analyze', async (signal, onProgress) => {
        const analysis = await engine.analyze(photo.decoded.pixels, { signal, onProgress, grid })
        library.setAnalysis(token, analysis)
        return { kind: 'analyze', analysis }
      })
      return { jobId }
    },
    'photo:deblur': async ({ token, options }) => {
      const photo = library.get(token)
      const engine = await engines.restorer(selection())
      // DESIGN.md "Model contract": an image-to-image restorer's overlays come from the fidediff estimator
      const analyzer = engine.model.manifest.kind === 'fidediff' ? null : await engines.analyzer(selection())
      const jobId = jobs.start(token, 'deblur', async (signal, onProgress) => {
        const pixels = photo.decoded.pixels // shared memory: both workers read it, nothing is copied
        const [r, analysis] = await Promise.all([
          engine.deblur(pixels, deblurSettingsFrom(options, engine.model), { signal, onProgress }),
          analyzer ? analyzer.analyze(pixels, { signal }) : null,
        ])
        const version = library.setResult(token, r.image, r.analysis ?? analysis)
        return { kind: 'deblur', analysis: r.analysis ?? analysis, tiles: r.tiles, provider: r.provider, elapsedMs: r.elapsedMs, version }
      })
      return { jobId }
    },
    'photo:deblurRegion': async ({ token, box, options }) => {
      const photo = library.get(token)
      const { width, height } = photo.info
      if (box.x + box.width > width || box.y + box.height > height)
        throw new Error(`${photo.info.name}: the selected rectangle reaches outside the ${width}×${height} photo`)
      const engine = await engines.restorer(selection())
      const jobId = jobs.start(token, 'region', async (signal) => {
        const started = performance.now()
        const r = await engine.deblurRegion(photo.decoded.pixels, box, deblurSettingsFrom(options, engine.model), { signal })
        const version = library.setRegion(token, r.box, r.image)
        return { kind: 'region', box: r.box, tiles: r.tiles, elapsedMs: performance.now() - started, version }
      })
      return { jobId }
    },
    'job:cancel': async ({ jobId }) => jobs.cancel(jobId),
    'photo:export': async ({ token, path, format, quality, keepMetadata }) => {
      const target = grants.requireWrite(path)
      const photo = library.get(token)
      if (!photo.result) throw new Error(`${photo.info.name}: nothing to export yet — deblur the photo first`)
      await encodePhoto(photo.result, photo.decoded.metadata, target, {
        format,
        quality,
        keepMetadata,
        inputPaths: [photo.info.path],
      })
      return { path: target }
    },
    'kernelMap:export': async ({ token, path }) => {
      const target = grants.requireWrite(path)
      grants.requireWrite(sidecarPath(target))
      const photo = library.get(token)
      if (!photo.analysis) throw new Error(`${photo.info.name}: no kernel map yet — deblur or analyse the photo first`)
      return exportKernelMap(photo.analysis, photo.info.path, target)
    },
    'dialog:batchFolders': async () => batches.chooseFolders(),
    'dialog:batchOutput': async () => batches.chooseOutputFolder(),
    'batch:grantDropped': async ({ paths }) => batches.grantDropped(paths),
    // the batch runs with the editor's deblur controls; its output options are checked by parseBatchOptions
    'batch:create': async ({ output, recursive, deblur }) => {
      const engine = await engines.restorer(selection())
      return batches.create({ output, recursive, settings: deblurSettingsFrom(deblur, engine.model) })
    },
    'batch:add': async ({ batchId, paths }) => batches.add(batchId, paths),
    'batch:start': async ({ batchId }) => batches.start(batchId),
    'batch:pause': async ({ batchId }) => batches.pause(batchId),
    'batch:resume': async ({ batchId }) => batches.resume(batchId),
    'batch:cancel': async ({ batchId }) => batches.cancel(batchId),
    'batch:showOutput': async ({ batchId }) => batches.showOutput(batchId),
  }

  return {
    impls,
    library,
    jobs,
    batches,
    grants,
    settings,
    recent,
    engines,
    /** Photos passed on the command line (first or second instance): grant and ask the editor to open them. */
    openFromCommandLine(paths: string[]): string[] {
      const accepted = paths.filter((p) => isSupportedPhotoPath(p))
      for (const p of accepted) ctx.emit('photo:openRequested', { path: grants.grantRead(p, 'command-line') })
      return accepted
    },
    async dispose(): Promise<void> {
      jobs.cancelAll()
      await Promise.all([jobs.idle(), batches.dispose()])
      await engines.dispose()
    },
  }
}
