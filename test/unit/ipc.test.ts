import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commands } from '../../src/shared/ipc-contract.ts'
import { COMMAND_CHANNELS, COMMAND_METHODS, DROP_CHANNEL, EVENT_CHANNELS } from '../../src/shared/ipc-channels.ts'
import { guardAll, handle, type IpcSender, type SenderPolicy } from '../../src/main/ipc/handle.ts'
import { createAppCore, type AppCore } from '../../src/main/app/app-core.ts'

const ORIGIN = 'app://renderer'
const policy: SenderPolicy = { origin: ORIGIN, windowId: () => 7 }
const ours: IpcSender = { webContentsId: 7, frameUrl: `${ORIGIN}/index.html`, isMainFrame: true }

describe('the IPC contract', () => {
  it('every channel in the allowlist has a request schema, and every schema a channel', () => {
    expect(new Set(COMMAND_CHANNELS)).toEqual(new Set(Object.keys(commands)))
    expect(COMMAND_CHANNELS).toContain(DROP_CHANNEL)
    expect(new Set(Object.values(COMMAND_METHODS)).size).toBe(Object.values(COMMAND_METHODS).length)
    expect(EVENT_CHANNELS).toEqual([
      'job:progress', 'job:finished', 'menu:command', 'photo:openRequested',
      'batch:file', 'batch:fileProgress', 'batch:progress', 'batch:paused', 'batch:resumed', 'batch:finished',
    ])
  })
})

describe('handle() — the gate in front of every command', () => {
  const echo = handle('photo:close', async ({ token }) => token.length > 0, policy)
  const token = 'ab'.repeat(16)

  it('runs the command for our window with a valid request', async () => {
    expect(await echo(ours, { token })).toEqual({ ok: true, value: true })
  })

  it('refuses a sender that is not our window', async () => {
    const r = await echo({ ...ours, webContentsId: 8 }, { token })
    expect(r).toEqual({ ok: false, error: 'photo:close refused: the sender is not the FideDiff Studio window' })
  })

  it('refuses our window while it shows a foreign page, and sub-frames', async () => {
    const foreign = await echo({ ...ours, frameUrl: 'https://evil.example/index.html' }, { token })
    expect(foreign.ok).toBe(false)
    if (!foreign.ok) expect(foreign.error).toContain('https://evil.example/index.html is not the editor')
    const file = await echo({ ...ours, frameUrl: 'file:///etc/passwd' }, { token })
    expect(file.ok).toBe(false)
    const frame = await echo({ ...ours, isMainFrame: false }, { token })
    expect(frame).toEqual({ ok: false, error: 'photo:close refused: the sender is a sub-frame, not the editor page' })
    const gone = await echo({ ...ours, frameUrl: undefined }, { token })
    expect(gone.ok).toBe(false)
  })

  it('refuses when no window is open', async () => {
    const closed = handle('photo:close', async () => true, { origin: ORIGIN, windowId: () => null })
    expect((await closed(ours, { token })).ok).toBe(false)
  })

  it('refuses a bad payload and names the field', async () => {
    const missing = await echo(ours, {})
    expect(missing.ok).toBe(false)
    if (!missing.ok) expect(missing.error).toMatch(/^photo:close refused: invalid request \(token: /)
    const wrongType = await echo(ours, { token: 42 })
    expect(wrongType.ok).toBe(false)
    const traversalToken = await echo(ours, { token: '../../etc/passwd' })
    expect(traversalToken.ok).toBe(false)
    if (!traversalToken.ok) expect(traversalToken.error).toContain('photo token expected')
  })

  it('refuses unknown settings keys instead of storing them', async () => {
    const update = handle('settings:update', async (patch) => ({ ...patch }) as never, policy)
    const r = await update(ours, { nodeIntegration: true })
    expect(r.ok).toBe(false)
    const badValue = await update(ours, { tOffset: 'lots' })
    expect(badValue.ok).toBe(false)
  })

  it('turns a thrown error into a readable message, never a crash', async () => {
    const failing = handle('photo:close', async () => {
      throw new Error('photo.jpg: the file is truncated or corrupt')
    }, policy)
    expect(await failing(ours, { token })).toEqual({ ok: false, error: 'photo.jpg: the file is truncated or corrupt' })
  })
})

describe('file paths are only used when the user granted them', () => {
  let dir: string
  let core: AppCore
  let photo: string
  let chosen: string | null = null
  let guarded: ReturnType<typeof guardAll>

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fidediff-ipc-'))
    photo = join(dir, 'shaky.jpg')
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 120, b: 150 } } }).jpeg().toFile(photo)
    core = await createAppCore({
      userDataDir: join(dir, 'user-data'),
      version: '0.0.0-test',
      platform: process.platform,
      dialogs: {
        openPhoto: async () => chosen,
        savePhoto: async () => chosen,
        saveKernelMap: async () => chosen,
        chooseFolders: async () => [],
        chooseOutputFolder: async () => null,
      },
      emit: () => {},
      showItemInFolder: () => {},
      modelDirs: [resolve('test/fixtures/models')],
    })
    guarded = guardAll(core.impls, policy)
  })
  afterAll(async () => {
    await core.dispose()
    await rm(dir, { recursive: true, force: true })
  })

  const call = (channel: Parameters<typeof guarded.get>[0], payload: unknown) => guarded.get(channel)!(ours, payload)

  it('refuses to open a path that never came from a dialog, a drop or the recent list', async () => {
    const r = await call('photo:open', { path: photo })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toBe(`${photo}: was not opened through the open dialog, a drop or the recent list, so it is not read`)
    const secret = await call('photo:open', { path: '/etc/shadow' })
    expect(secret.ok).toBe(false)
  })

  it('opens the same path once the open dialog returned it, and lists it as recent', async () => {
    chosen = photo
    const granted = await call('dialog:openPhoto', undefined)
    expect(granted).toEqual({ ok: true, value: photo })
    const r = await call('photo:open', { path: photo })
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.value).toMatchObject({ name: 'shaky.jpg', width: 64, height: 48, bitDepth: 8 })
    const recent = await call('recent:list', undefined)
    expect(recent.ok && (recent.value as { path: string }[])[0]?.path).toBe(photo)
  })

  it('a dropped file is granted by the drop itself', async () => {
    const dropped = join(dir, 'dropped.png')
    await sharp({ create: { width: 20, height: 10, channels: 3, background: '#808080' } }).png().toFile(dropped)
    const r = await call('photo:openDropped', { path: dropped })
    expect(r.ok).toBe(true)
  })

  it('refuses to write an export anywhere the save dialog did not return', async () => {
    const open = await call('photo:open', { path: photo })
    if (!open.ok) throw new Error(open.error)
    const token = (open.value as { token: string }).token
    const target = join(dir, 'out.jpg')
    const r = await call('photo:export', { token, path: target, format: 'jpeg', quality: 90, keepMetadata: true })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toBe(`${target}: was not chosen in a save dialog, so nothing is written there`)
    const over = await call('photo:export', { token, path: photo, format: 'jpeg', quality: 90, keepMetadata: true })
    expect(over.ok).toBe(false)
    // the original is untouched
    expect((await sharp(await readFile(photo)).metadata()).width).toBe(64)
  })

  it('the recent list grants paths again after a restart, and clearing it revokes them', async () => {
    const again = await createAppCore({
      userDataDir: join(dir, 'user-data'),
      version: '0',
      platform: process.platform,
      dialogs: {
        openPhoto: async () => null, savePhoto: async () => null, saveKernelMap: async () => null,
        chooseFolders: async () => [], chooseOutputFolder: async () => null,
      },
      emit: () => {},
      showItemInFolder: () => {},
      modelDirs: [resolve('test/fixtures/models')],
    })
    const g = guardAll(again.impls, policy)
    expect((await g.get('photo:open')!(ours, { path: photo })).ok).toBe(true)
    await g.get('recent:clear')!(ours, undefined)
    expect((await g.get('photo:open')!(ours, { path: photo })).ok).toBe(false)
    await again.dispose()
  })

  it('a corrupt photo gives an error naming the file', async () => {
    const broken = join(dir, 'broken.jpg')
    await writeFile(broken, 'this is not a jpeg')
    chosen = broken
    await call('dialog:openPhoto', undefined)
    const r = await call('photo:open', { path: broken })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toContain('broken.jpg')
  })
})

describe('previews through the app protocol', () => {
  it('are JPEGs at 1/2^level of the photo, and a stale version is refused', async () => {
    const { PhotoLibrary } = await import('../../src/main/app/photo-library.ts')
    const { serveAppRequest } = await import('../../src/main/app/app-routes.ts')
    const { previewUrl } = await import('../../src/shared/preview-url.ts')
    const library = new PhotoLibrary()
    const data = new Uint16Array(300 * 200 * 3).fill(30000)
    const photo = library.add({
      path: '/photos/p.png',
      format: 'png',
      pixels: { width: 300, height: 200, channels: 3, bitDepth: 16, data },
      metadata: { orientation: 1 },
    })
    const get = (variant: 'original' | 'result', version: number, level: number) =>
      serveAppRequest(`app://renderer${previewUrl({ token: photo.token, variant, version, level })}`, resolve('src/renderer'), library)
    for (const [level, width] of [[0, 300], [1, 150], [2, 75]] as const) {
      const r = await get('original', 0, level)
      expect(r.status).toBe(200)
      expect(r.headers.get('content-type')).toBe('image/jpeg')
      const meta = await sharp(Buffer.from(await r.arrayBuffer())).metadata()
      expect([meta.width, meta.format]).toEqual([width, 'jpeg'])
    }
    // one tile of level 1: 512 px of that level = 1024 photo px, clipped to the 300×200 photo → 150×100
    const tile = await serveAppRequest(
      `app://renderer${previewUrl({ token: photo.token, variant: 'original', version: 0, level: 1, tile: { x: 0, y: 0 } })}`,
      resolve('src/renderer'),
      library,
    )
    const tileMeta = await sharp(Buffer.from(await tile.arrayBuffer())).metadata()
    expect([tileMeta.width, tileMeta.height]).toEqual([150, 100])
    const outside = `app://renderer${previewUrl({ token: photo.token, variant: 'original', version: 0, level: 0, tile: { x: 1, y: 0 } })}`
    expect((await serveAppRequest(outside, resolve('src/renderer'), library)).status).toBe(404)
    expect((await get('result', 1, 0)).status).toBe(404)
    library.setResult(photo.token, { width: 300, height: 200, channels: 3, bitDepth: 8, data: new Uint8Array(300 * 200 * 3) }, null)
    expect((await get('result', 1, 0)).status).toBe(200)
    expect((await get('result', 0, 0)).status).toBe(404)
    library.close(photo.token)
    expect((await get('original', 0, 0)).status).toBe(404)
  })
})
