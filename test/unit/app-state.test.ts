import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../src/shared/ipc-contract.ts'
import type { JobFinishedEvent, JobProgressEvent } from '../../src/shared/ipc-contract.ts'
import { MENU_COMMANDS } from '../../src/shared/ipc-channels.ts'
import { SettingsStore, settingsFromJson } from '../../src/main/app/settings-store.ts'
import { RecentList, MAX_RECENT } from '../../src/main/app/recent-list.ts'
import { filesFromArgv } from '../../src/main/app/command-line.ts'
import { menuTemplate } from '../../src/main/app/menu-template.ts'
import { PhotoJobs } from '../../src/main/app/photo-jobs.ts'
import { deblurSettingsFrom } from '../../src/main/app/app-core.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fidediff-app-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('settings survive a restart', () => {
  it('are written to settings.json and read back', async () => {
    const userData = join(dir, 'a')
    const store = new SettingsStore(userData)
    expect(await store.load()).toEqual(DEFAULT_SETTINGS)
    await store.update({ t: 160, tOffset: -20, provider: 'cpu', upscale2x: false })
    const again = new SettingsStore(userData)
    expect(await again.load()).toMatchObject({ t: 160, tOffset: -20, provider: 'cpu', upscale2x: false })
  })

  it('a corrupt or partly invalid file falls back per key to the defaults, never crashes', async () => {
    const userData = join(dir, 'b')
    await mkdir(userData, { recursive: true })
    await writeFile(join(userData, 'settings.json'), '{ not json')
    expect(await new SettingsStore(userData).load()).toEqual(DEFAULT_SETTINGS)
    expect(settingsFromJson({ tOffset: 40, t: 'sometimes', provider: 'tpu', evil: true })).toEqual({ ...DEFAULT_SETTINGS, tOffset: 40 })
    expect(settingsFromJson(null)).toEqual(DEFAULT_SETTINGS)
  })

  it('refuses invalid updates without changing what is stored', async () => {
    const store = new SettingsStore(join(dir, 'c'))
    await store.load()
    await expect(store.update({ tOffset: 10_000 })).rejects.toThrow()
    expect(store.current).toEqual(DEFAULT_SETTINGS)
  })
})

describe('recent photos', () => {
  it('keeps the newest first, without duplicates, capped', async () => {
    const list = new RecentList(join(dir, 'r'))
    await list.load()
    for (let i = 0; i < MAX_RECENT + 3; i++) await list.add(join(dir, `p${i}.jpg`))
    await list.add(join(dir, 'p5.jpg'))
    const entries = await new RecentList(join(dir, 'r')).load()
    expect(entries).toHaveLength(MAX_RECENT)
    expect(entries[0]!.path).toBe(join(dir, 'p5.jpg'))
    expect(entries.filter((e) => e.name === 'p5.jpg')).toHaveLength(1)
    expect(entries[1]!.name).toBe(`p${MAX_RECENT + 2}.jpg`)
  })

  it('skips malformed entries in a hand-edited file', async () => {
    const userData = join(dir, 'r2')
    await mkdir(userData, { recursive: true })
    await writeFile(join(userData, 'recent.json'), JSON.stringify([{ path: '/a.jpg', name: 'a.jpg', openedAt: 'x' }, { path: 3 }, 'nope']))
    expect((await new RecentList(userData).load()).map((e) => e.path)).toEqual(['/a.jpg'])
  })
})

describe('command line and menu', () => {
  it('opens the files named on the command line, skipping flags and the app folder', async () => {
    const photo = join(dir, 'cli.jpg')
    await writeFile(photo, 'x')
    const files = filesFromArgv(['/usr/bin/fidediff-studio', '.', '--no-sandbox', 'cli.jpg', 'missing.jpg', dir], dir)
    expect(files).toEqual([photo])
  })

  it('has the usual accelerators and every editor command is reachable from the menu', () => {
    for (const platform of ['linux', 'darwin', 'win32']) {
      const items = menuTemplate(platform).flatMap((s) => s.items)
      const accel = new Map(items.flatMap((i) => ('command' in i ? [[i.command, i.accelerator] as const] : [])))
      expect(accel.get('open')).toBe('CmdOrCtrl+O')
      expect(accel.get('export')).toBe('CmdOrCtrl+E')
      expect(accel.get('zoom-fit')).toBe('CmdOrCtrl+0')
      expect(accel.get('zoom-100')).toBe('CmdOrCtrl+1')
      expect(new Set(accel.keys())).toEqual(new Set(MENU_COMMANDS))
      const registered = items.filter((i) => 'command' in i && i.registerAccelerator !== false).map((i) => ('command' in i ? i.accelerator : ''))
      // single-key shortcuts are handled by the editor so typing in a field still works
      for (const a of registered) expect(a).toMatch(/CmdOrCtrl\+/)
      expect(items.some((i) => 'role' in i && i.role === 'quit') || platform === 'darwin').toBe(true)
    }
  })
})

describe('photo jobs', () => {
  function collect() {
    const progress: JobProgressEvent[] = []
    const finished: JobFinishedEvent[] = []
    return { progress, finished, jobs: new PhotoJobs({ progress: (e) => progress.push(e), finished: (e) => finished.push(e) }) }
  }
  const tile = { index: 0, box: { x: 0, y: 0, width: 1, height: 1 }, tHat: null, tUsed: null }

  it('sends progress and exactly one final event per job, in start order', async () => {
    const { jobs, progress, finished } = collect()
    const a = jobs.start('t', 'analyze', async (_s, on) => {
      on({ done: 1, total: 2, tile, elapsedMs: 1, etaMs: 1 })
      return { kind: 'region', box: tile.box, tiles: [], elapsedMs: 1, version: 1 }
    })
    const b = jobs.start('t', 'deblur', async () => {
      throw new Error('photo.jpg: the model failed')
    })
    await jobs.idle()
    expect(progress.map((p) => p.jobId)).toEqual([a])
    expect(finished.map((f) => [f.jobId, f.status])).toEqual([
      [a, 'done'],
      [b, 'failed'],
    ])
    expect(finished[1]).toMatchObject({ error: 'photo.jpg: the model failed' })
  })

  it('cancel stops a running job and a queued job never starts', async () => {
    const { jobs, finished } = collect()
    let secondStarted = false
    const first = jobs.start('t', 'deblur', (signal) => new Promise((_r, reject) => {
      signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })))
    }))
    const second = jobs.start('t', 'deblur', async () => {
      secondStarted = true
      return { kind: 'analyze', analysis: null as never }
    })
    expect(jobs.cancel(second)).toBe(true)
    expect(jobs.cancel(first)).toBe(true)
    expect(jobs.cancel('job-999')).toBe(false)
    await jobs.idle()
    expect(secondStarted).toBe(false)
    expect(finished.map((f) => f.status)).toEqual(['cancelled', 'cancelled'])
    expect(jobs.activeCount).toBe(0)
  })
})

describe('deblur controls → engine settings', () => {
  it('maps auto/manual t, offset, tile size and ×2 on/off', () => {
    expect(deblurSettingsFrom({ t: 'auto', tOffset: 0, tileSize: null, upscale2x: true })).toEqual({ t: 'auto', tOffset: 0 })
    expect(deblurSettingsFrom({ t: 160, tOffset: -20, tileSize: 384, upscale2x: false })).toEqual({ t: 160, tOffset: -20, tile: 384, upscale: 1 })
  })
})

it('settings.json is human-readable JSON', async () => {
  const store = new SettingsStore(join(dir, 'h'))
  await store.load()
  await store.update({ tOffset: 5 })
  expect(JSON.parse(await readFile(store.file, 'utf8'))).toMatchObject({ tOffset: 5 })
})
