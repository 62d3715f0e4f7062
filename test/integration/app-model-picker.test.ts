/**
 * The app's model picker (issue 7 §4) on the real engine workers: with a fidediff model and an
 * image-to-image one installed, the chosen model restores and the fidediff one analyses, the
 * choice is checked and persisted, and a fixed-tile model's tile/×2 settings are left out.
 */
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppCore, deblurSettingsFrom, type AppCore } from '../../src/main/app/app-core.ts'
import { SettingsStore } from '../../src/main/app/settings-store.ts'
import { DeblurEngine, loadModel } from '../../src/main/engine/index.ts'
import { guardAll, type IpcSender } from '../../src/main/ipc/handle.ts'
import { defaultOutputOptions } from '../../src/main/jobs/index.ts'
import type { AppInfo, EventName, EventPayloads, JobFinishedEvent, PhotoInfo, Settings } from '../../src/shared/ipc-contract.ts'
import { makeShakyJpeg } from '../e2e/app-fixtures.ts'

let dir: string
let core: AppCore
const events: { event: EventName; payload: unknown }[] = []
const sender: IpcSender = { webContentsId: 1, frameUrl: 'app://renderer/index.html', isMainFrame: true }
let api: ReturnType<typeof guardAll>

async function call<T>(channel: Parameters<typeof api.get>[0], payload: unknown): Promise<T> {
  const r = await api.get(channel)!(sender, payload)
  if (!r.ok) throw new Error(r.error)
  return r.value as T
}

async function finished(jobId: string): Promise<JobFinishedEvent> {
  for (let i = 0; i < 1200; i++) {
    const hit = events.find((e) => e.event === 'job:finished' && (e.payload as JobFinishedEvent).jobId === jobId)
    if (hit) return hit.payload as JobFinishedEvent
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`job ${jobId} never finished`)
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-picker-'))
  // two installed models: a fidediff one and an image-to-image one
  for (const id of ['fidediff-random', 'local-conv']) await cp(join('test/fixtures/models', id), join(dir, 'models', id), { recursive: true })
  core = await createAppCore({
    userDataDir: join(dir, 'user-data'),
    version: '0.0.0-test',
    platform: process.platform,
    dialogs: {
      openPhoto: async () => null, savePhoto: async () => null, saveKernelMap: async () => null,
      chooseFolders: async () => [], chooseOutputFolder: async () => null,
    },
    showItemInFolder: () => undefined,
    emit: <E extends EventName>(event: E, payload: EventPayloads[E]) => void events.push({ event, payload }),
    modelDirs: [join(dir, 'models')],
    threads: 1,
  })
  api = guardAll(core.impls, { origin: 'app://renderer', windowId: () => 1 })
})

afterAll(async () => {
  await core?.dispose()
  await rm(dir, { recursive: true, force: true })
})

describe('choosing the restoring model in the app', () => {
  it('lists both installed models with kind and licence; by default the fidediff model restores and analyses', async () => {
    const info = await call<AppInfo>('app:info', undefined)
    expect(info.models.map((m) => [m.id, m.kind]).sort()).toEqual([['fidediff-random', 'fidediff'], ['local-conv', 'image-to-image']])
    expect(info.models.every((m) => m.license.spdx === 'MIT' && m.license.attribution === 'FideDiff Studio test fixture')).toBe(true)
    expect(info.restorer?.id).toBe('fidediff-random')
    expect(info.analyzer?.id).toBe('fidediff-random')
    expect(info.modelHints.join('\n')).toContain('npm run models:maxim')
  })

  it('refuses an unknown or malformed model id and keeps the current choice', async () => {
    await expect(call('settings:update', { model: 'maxim-9000' })).rejects.toThrow(/no installed model "maxim-9000" \(installed: .*local-conv/)
    await expect(call('settings:update', { model: '../evil' })).rejects.toThrow(/model id expected/)
    expect((await call<Settings>('settings:get', undefined)).model).toBeNull()
  })

  it('after picking the image-to-image model, a deblur restores with it and the overlays come from the fidediff model', async () => {
    expect((await call<Settings>('settings:update', { model: 'local-conv' })).model).toBe('local-conv')
    expect((await new SettingsStore(join(dir, 'user-data')).load()).model).toBe('local-conv') // persisted
    const info = await call<AppInfo>('app:info', undefined)
    expect([info.restorer?.id, info.analyzer?.id]).toEqual(['local-conv', 'fidediff-random'])

    const photoPath = join(dir, 'shaky.jpg')
    await makeShakyJpeg(photoPath, 160, 120)
    core.grants.grantRead(photoPath, 'dialog')
    const photo = await call<PhotoInfo>('photo:open', { path: photoPath })
    const options = { t: 'auto', tOffset: 0, tileSize: null, upscale2x: true }
    const { jobId } = await call<{ jobId: string }>('photo:deblur', { token: photo.token, options })
    const done = await finished(jobId)
    if (done.status !== 'done' || done.result.kind !== 'deblur') throw new Error(`deblur ended ${done.status}`)
    const { analysis, tiles } = done.result
    expect(analysis?.model).toBe('fidediff-random')
    expect(analysis!.regions.length).toBeGreaterThan(0)
    expect(tiles.every((t) => t.tHat === null && t.tUsed === null)).toBe(true) // local-conv predicts no t̂

    // the pixels are local-conv's: the same engine run directly gives the same image
    const pixels = core.library.get(photo.token).decoded.pixels
    const direct = await DeblurEngine.open(await loadModel(join(dir, 'models', 'local-conv')), { provider: 'cpu', threads: 1 })
    try {
      const expected = await direct.deblur(pixels, { t: 'auto', tOffset: 0 })
      expect(Buffer.from(core.library.get(photo.token).result!.data).equals(Buffer.from(expected.image.data))).toBe(true)
    } finally {
      await direct.dispose()
    }

    // analysis alone also runs on the fidediff model
    const analyzed = await finished((await call<{ jobId: string }>('photo:analyze', { token: photo.token })).jobId)
    expect(analyzed.status === 'done' && analyzed.result.kind === 'analyze' && analyzed.result.analysis.model).toBe('fidediff-random')
  })

  it('a batch with the image-to-image model writes kernel maps from the fidediff model; the model cannot change while it runs', async () => {
    const shoot = join(dir, 'shoot')
    await mkdir(shoot)
    await makeShakyJpeg(join(shoot, 'a.jpg'), 96, 64)
    const out = join(dir, 'batch-out')
    core.grants.grantBatchInput(shoot, 'folder-dialog')
    core.grants.grantOutputFolder(out)
    const output = { ...defaultOutputOptions(), dir: out, format: 'png', kernelMap: true }
    const deblur = { t: 'auto', tOffset: 0, tileSize: null, upscale2x: true }
    const { batchId } = await call<{ batchId: string }>('batch:create', { output, recursive: false, deblur })
    expect(await call('batch:add', { batchId, paths: [shoot] })).toEqual({ added: 1, problems: [] })
    expect(await call('batch:start', { batchId })).toBe(true)
    await expect(call('settings:update', { model: 'fidediff-random' })).rejects.toThrow(/a batch is running/)
    for (let i = 0; i < 1200 && !events.some((e) => e.event === 'batch:finished'); i++) await new Promise((r) => setTimeout(r, 25))
    expect(events.find((e) => e.event === 'batch:finished')?.payload).toMatchObject({ outcome: 'completed', progress: { counts: { done: 1 } } })
    const sidecar = JSON.parse(await readFile(join(out, 'a_deblurred.kernels.json'), 'utf8')) as { model: string; regions: { tHat: number }[] }
    expect(sidecar.model).toBe('fidediff-random')
    expect(sidecar.regions.length).toBeGreaterThan(0)
    expect((await call<Settings>('settings:update', { model: 'fidediff-random' })).model).toBe('fidediff-random') // free again
    expect((await call<AppInfo>('app:info', undefined)).restorer?.id).toBe('fidediff-random')
  })

  it('a fixed-input-size restorer runs at its own tile and scale: the greyed-out controls are not sent', async () => {
    const model = await loadModel('test/fixtures/models/local-conv')
    const stage = model.manifest.stages[0]!
    const fixed = {
      ...model,
      manifest: { ...model.manifest, stages: [{ ...stage, inputs: stage.inputs.map((i) => ({ ...i, shape: [1, 3, 256, 256] })) }] },
    }
    const controls = { t: 'auto', tOffset: 10, tileSize: 384, upscale2x: false } as const
    expect(deblurSettingsFrom(controls, fixed)).toEqual({ t: 'auto', tOffset: 10 })
    expect(deblurSettingsFrom(controls, model)).toEqual({ t: 'auto', tOffset: 10, tile: 384, upscale: 1 })
  })
})
