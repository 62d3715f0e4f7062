/**
 * Fixtures for the app's end-to-end tests: small photos made with the real sharp (textured,
 * with EXIF the export must keep), the app core wired to the real engine and the random test
 * model, with dialogs that return what the test chose (a native dialog cannot be clicked here).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { createAppCore, type AppCore } from '../../src/main/app/app-core.ts'
import { guardAll, type IpcSender } from '../../src/main/ipc/handle.ts'
import type { EventName, EventPayloads } from '../../src/shared/ipc-contract.ts'

export const TEST_MODELS = resolve('test/fixtures/models')
export const EXIF = { Make: 'FideCam', Model: 'Shaky One', Artist: 'FideDiff e2e' } as const

/** A textured photo (bars, gradient and a little noise), blurred along x, with EXIF. */
export async function makeShakyJpeg(path: string, width: number, height: number): Promise<void> {
  const data = Buffer.alloc(width * height * 3)
  let seed = 12345
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3
      const bars = (Math.floor(x / 12) + Math.floor(y / 20)) % 2 ? 200 : 60
      data[i] = Math.min(255, bars + rand() * 20)
      data[i + 1] = Math.min(255, (x / width) * 255)
      data[i + 2] = Math.min(255, (y / height) * 255 * 0.7 + rand() * 30)
    }
  // a horizontal 9-tap box blur: camera shake along x
  await sharp(data, { raw: { width, height, channels: 3 } })
    .convolve({ width: 9, height: 3, kernel: [...new Array(9).fill(0), ...new Array(9).fill(1 / 9), ...new Array(9).fill(0)] })
    .withExif({ IFD0: { ...EXIF } })
    .jpeg({ quality: 92 })
    .toFile(path)
}

export interface CoreHarness {
  dir: string
  core: AppCore
  /** what the next open/save/folder dialog returns */
  dialog: { open: string | null; save: string | null; folders: string[]; outputFolder: string | null }
  /** paths the app asked the file manager to show */
  shown: string[]
  events: { [E in EventName]?: EventPayloads[E][] }
  /** set by the e2e test to forward events to the page */
  forward: ((event: EventName, payload: unknown) => void) | null
  close(): Promise<void>
}

export async function startCore(): Promise<CoreHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'fidediff-e2e-'))
  const harness: CoreHarness = {
    dir,
    core: null as unknown as AppCore,
    dialog: { open: null, save: null, folders: [], outputFolder: null },
    shown: [],
    events: {},
    forward: null,
    close: async () => {
      await harness.core.dispose()
      await rm(dir, { recursive: true, force: true })
    },
  }
  harness.core = await createAppCore({
    userDataDir: join(dir, 'user-data'),
    version: '0.0.0-e2e',
    platform: process.platform,
    dialogs: {
      openPhoto: async () => harness.dialog.open,
      savePhoto: async () => harness.dialog.save,
      saveKernelMap: async () => harness.dialog.save,
      chooseFolders: async () => harness.dialog.folders,
      chooseOutputFolder: async () => harness.dialog.outputFolder,
    },
    showItemInFolder: (path) => void harness.shown.push(path),
    emit: (event, payload) => {
      ;(harness.events[event] ??= [] as never[]).push(payload as never)
      harness.forward?.(event, payload)
    },
    modelDirs: [TEST_MODELS],
    threads: 1,
  })
  // the test model is the random fidediff one: pin its folder so other fixture models are not chosen
  return harness
}

/** Calls the guarded IPC handlers as our own window's main frame does (sender and schema checked). */
export function windowCaller(core: AppCore) {
  const api = guardAll(core.impls, { origin: 'app://renderer', windowId: () => 1 })
  const sender: IpcSender = { webContentsId: 1, frameUrl: 'app://renderer/index.html', isMainFrame: true }
  return async <T>(channel: Parameters<typeof api.get>[0], payload: unknown): Promise<T> => {
    const r = await api.get(channel)!(sender, payload)
    if (!r.ok) throw new Error(r.error)
    return r.value as T
  }
}
