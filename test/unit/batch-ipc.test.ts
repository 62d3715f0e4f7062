/**
 * The Batch panel's IPC commands behind handle(): a foreign sender, a bad payload, options the
 * CLI would refuse, and folders the user never gave are all refused before anything is read or
 * written; granted folders (folder dialog or drop) are queued and events reach the window.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppCore, type AppCore } from '../../src/main/app/app-core.ts'
import { guardAll, type IpcSender, type SenderPolicy } from '../../src/main/ipc/handle.ts'
import { defaultOutputOptions } from '../../src/main/jobs/index.ts'
import { DEFAULT_BATCH_OUTPUT } from '../../src/shared/batch.ts'
import type { CommandName, EventName } from '../../src/shared/ipc-contract.ts'

const ORIGIN = 'app://renderer'
const policy: SenderPolicy = { origin: ORIGIN, windowId: () => 7 }
const ours: IpcSender = { webContentsId: 7, frameUrl: `${ORIGIN}/index.html`, isMainFrame: true }
const DEBLUR = { t: 'auto', tOffset: 0, tileSize: null, upscale2x: true } as const
const SOME_ID = '0b7f2c1e-4a5d-4e6f-8a9b-0c1d2e3f4a5b'

let dir: string
let shoot: string
let core: AppCore
let guarded: ReturnType<typeof guardAll>
const dialog: { folders: string[]; output: string | null } = { folders: [], output: null }
const events: { event: EventName; payload: unknown }[] = []
const shown: string[] = []

const call = (channel: CommandName, payload: unknown, sender: IpcSender = ours) => guarded.get(channel)!(sender, payload)
async function ok<T>(channel: CommandName, payload: unknown): Promise<T> {
  const r = await call(channel, payload)
  if (!r.ok) throw new Error(r.error)
  return r.value as T
}
const createRequest = (output: Record<string, unknown> = {}) => ({ output: { ...DEFAULT_BATCH_OUTPUT, ...output }, recursive: true, deblur: DEBLUR })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fidediff-batch-ipc-'))
  shoot = join(dir, 'shoot')
  await mkdir(join(shoot, 'day1'), { recursive: true })
  for (const name of ['a.jpg', 'day1/b.png'])
    await sharp({ create: { width: 40, height: 32, channels: 3, background: { r: 90, g: 120, b: 150 } } }).toFile(join(shoot, name))
  core = await createAppCore({
    userDataDir: join(dir, 'user-data'),
    version: '0.0.0-test',
    platform: process.platform,
    dialogs: {
      openPhoto: async () => null,
      savePhoto: async () => null,
      saveKernelMap: async () => null,
      chooseFolders: async () => dialog.folders,
      chooseOutputFolder: async () => dialog.output,
    },
    emit: (event, payload) => void events.push({ event, payload }),
    showItemInFolder: (path) => void shown.push(path),
    modelDirs: [resolve('test/fixtures/models')],
    threads: 1,
  })
  guarded = guardAll(core.impls, policy)
})
afterAll(async () => {
  await core?.dispose()
  await rm(dir, { recursive: true, force: true })
})

it('the panel starts from the same output defaults as the CLI', () => {
  expect(DEFAULT_BATCH_OUTPUT).toEqual(defaultOutputOptions())
})

describe('batch commands refuse what a compromised or buggy page could send', () => {
  it('refuses every batch command from a sender that is not our window, before running it', async () => {
    const requests: [CommandName, unknown][] = [
      ['dialog:batchFolders', undefined],
      ['dialog:batchOutput', undefined],
      ['batch:grantDropped', { paths: [shoot] }],
      ['batch:create', createRequest()],
      ['batch:add', { batchId: SOME_ID, paths: [shoot] }],
      ['batch:start', { batchId: SOME_ID }],
      ['batch:pause', { batchId: SOME_ID }],
      ['batch:resume', { batchId: SOME_ID }],
      ['batch:cancel', { batchId: SOME_ID }],
      ['batch:showOutput', { batchId: SOME_ID }],
    ]
    dialog.folders = [shoot]
    for (const [channel, payload] of requests) {
      const foreign = await call(channel, payload, { ...ours, webContentsId: 8 })
      expect(foreign, channel).toEqual({ ok: false, error: `${channel} refused: the sender is not the FideDiff Studio window` })
      const frame = await call(channel, payload, { ...ours, frameUrl: 'https://evil.example/' })
      expect(frame.ok, channel).toBe(false)
    }
    dialog.folders = []
    // nothing was granted by the refused calls: the folder is still not readable
    const { batchId } = await ok<{ batchId: string }>('batch:create', createRequest())
    const add = await call('batch:add', { batchId, paths: [shoot] })
    expect(add.ok).toBe(false)
  })

  it('refuses a malformed request and names the field', async () => {
    const bad: [CommandName, unknown, RegExp][] = [
      ['batch:create', { ...createRequest(), output: { ...DEFAULT_BATCH_OUTPUT, format: 'bmp' } }, /output\.format/],
      ['batch:create', { ...createRequest(), output: { ...DEFAULT_BATCH_OUTPUT, nodeIntegration: true } }, /nodeIntegration/],
      ['batch:create', { output: DEFAULT_BATCH_OUTPUT, deblur: DEBLUR }, /recursive/],
      ['batch:add', { batchId: '../../etc', paths: [shoot] }, /batch id expected/],
      ['batch:add', { batchId: SOME_ID, paths: shoot }, /paths/],
      ['batch:add', { batchId: SOME_ID, paths: [] }, /paths/],
      ['batch:grantDropped', { paths: ['/tmp/a\0b'] }, /NUL byte/],
      ['batch:cancel', {}, /batchId/],
    ]
    for (const [channel, payload, field] of bad) {
      const r = await call(channel, payload)
      expect(r.ok, channel).toBe(false)
      if (!r.ok) {
        expect(r.error, channel).toMatch(new RegExp(`^${channel} refused: invalid request`))
        expect(r.error, channel).toMatch(field)
      }
    }
  })

  it('refuses output options the CLI would refuse, with parseBatchOptions’ message', async () => {
    const quality = await call('batch:create', createRequest({ quality: 500 }))
    expect(quality.ok).toBe(false)
    if (!quality.ok) expect(quality.error).toMatch(/^batch options: output\.quality: /)
    const template = await call('batch:create', createRequest({ nameTemplate: '{name}_{camera}' }))
    expect(template.ok).toBe(false)
    if (!template.ok) expect(template.error).toMatch(/^batch options: output\.nameTemplate: .*\{camera\}/)
  })

  it('refuses folders and output folders the user never chose, and queues nothing', async () => {
    const outside = await call('batch:create', createRequest({ dir: join(dir, 'out') }))
    expect(outside.ok).toBe(false)
    if (!outside.ok) expect(outside.error).toBe(`${join(dir, 'out')}: was not chosen as the output folder in the folder dialog, so nothing is written there`)

    const { batchId } = await ok<{ batchId: string }>('batch:create', createRequest())
    const before = events.length
    const r = await call('batch:add', { batchId, paths: ['/etc', shoot] })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toBe('/etc: was not chosen in the folder dialog or dropped on the Batch panel, so it is not read')
    expect(events.slice(before).filter((e) => e.event === 'batch:file')).toEqual([])
    // a photo inside a granted folder is not granted on its own
    dialog.folders = [shoot]
    await ok('dialog:batchFolders', undefined)
    const inside = await call('batch:add', { batchId, paths: [join(shoot, 'a.jpg')] })
    expect(inside.ok).toBe(false)
  })
})

describe('granted folders run as a batch', () => {
  it('queues the photos of a folder from the dialog, runs them on the engine worker, and reports each file', async () => {
    dialog.folders = [shoot]
    expect(await ok('dialog:batchFolders', undefined)).toEqual([shoot])
    const out = join(dir, 'out')
    dialog.output = out
    expect(await ok('dialog:batchOutput', undefined)).toBe(out)
    const { batchId } = await ok<{ batchId: string }>('batch:create', createRequest({ dir: out, format: 'png' }))
    expect(await ok('batch:add', { batchId, paths: [shoot] })).toEqual({ added: 2, problems: [] })
    expect(await ok('batch:start', { batchId })).toBe(true)
    for (let i = 0; i < 1200 && !events.some((e) => e.event === 'batch:finished'); i++) await new Promise((r) => setTimeout(r, 50))
    const finished = events.filter((e) => e.event === 'batch:finished')
    expect(finished).toHaveLength(1)
    expect(finished[0]!.payload).toMatchObject({ batchId, outcome: 'completed', progress: { total: 2, counts: { done: 2 } } })
    const finals = events.filter((e) => e.event === 'batch:file' && ['done', 'failed'].includes((e.payload as { file: { status: string } }).file.status))
    expect(finals).toHaveLength(2)
    expect(events.some((e) => e.event === 'batch:fileProgress')).toBe(true)
    expect((await readdir(out, { recursive: true })).filter((f) => String(f).endsWith('.png')).sort()).toEqual(['a_deblurred.png', 'day1/b_deblurred.png'])
    expect(await ok('batch:showOutput', { batchId })).toBe(out)
    expect(shown).toEqual([out])
  })

  it('a dropped folder is granted by the drop itself', async () => {
    const granted = await ok<string[]>('batch:grantDropped', { paths: [join(shoot, 'day1')] })
    expect(granted).toEqual([join(shoot, 'day1')])
    const { batchId } = await ok<{ batchId: string }>('batch:create', createRequest({ format: 'png', nameTemplate: '{name}_dropped' }))
    expect(await ok('batch:add', { batchId, paths: granted })).toEqual({ added: 1, problems: [] })
    await ok('batch:cancel', { batchId })
  })
})
