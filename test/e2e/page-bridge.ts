/**
 * The e2e stand-in for Electron: serves the built renderer and the previews with the app's
 * own protocol code over http on 127.0.0.1, and binds window.api — built from the same
 * channel allowlist the preload uses — to the same guarded main-process handlers, with
 * Playwright's exposeBinding. Main-process events are pushed into the page in order.
 */
import { execFileSync } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { statSync, readdirSync, existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser, type Page } from 'playwright-core'
import { serveAppRequest } from '../../src/main/app/app-routes.ts'
import { guardAll } from '../../src/main/ipc/handle.ts'
import { BATCH_DROP_CHANNEL, COMMAND_METHODS, DROP_CHANNEL, EVENT_METHODS } from '../../src/shared/ipc-channels.ts'
import type { CommandName } from '../../src/shared/ipc-contract.ts'
import type { CoreHarness } from './app-fixtures.ts'

export const RENDERER_DIR = resolve('out/renderer')

function newestMtime(dir: string): number {
  let newest = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

/** Build the renderer (electron-vite build) unless out/renderer is newer than its sources. */
export function ensureBuiltRenderer(): void {
  const index = join(RENDERER_DIR, 'index.html')
  const sources = Math.max(newestMtime(resolve('src/renderer')), newestMtime(resolve('src/shared')))
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return
  execFileSync(resolve('node_modules/.bin/electron-vite'), ['build'], { stdio: 'pipe' })
}

export interface PageHarness {
  browser: Browser
  page: Page
  origin: string
  /** uncaught page errors and console errors (CSP violations show up here) */
  problems: string[]
  close(): Promise<void>
}

interface BridgeConfig {
  commands: Record<string, string>
  events: Record<string, string>
  drop: string
  batchDrop: string
  dropDir: string
}
type Result = { ok: true; value: unknown } | { ok: false; error: string }

/** Runs in the page before its scripts: what src/preload/index.ts does in Electron. */
function bridge(config: BridgeConfig): void {
  const g = globalThis as unknown as Record<string, unknown>
  const call = g['__fidediffInvoke'] as (channel: string, payload: unknown) => Promise<Result>
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const invoke = async (channel: string, payload: unknown): Promise<unknown> => {
    const r = await call(channel, payload)
    if (!r.ok) throw new Error(r.error)
    return r.value
  }
  const api: Record<string, unknown> = {}
  for (const [method, channel] of Object.entries(config.commands)) api[method] = (payload?: unknown) => invoke(channel, payload)
  for (const [method, channel] of Object.entries(config.events))
    api[method] = (listener: (payload: unknown) => void) => {
      const set = listeners.get(channel) ?? new Set()
      listeners.set(channel, set)
      set.add(listener)
      return () => set.delete(listener)
    }
  // the preload asks Electron for a dropped File's path; here dropped files come from dropDir
  api['openDroppedFile'] = (file: { name: string }) => invoke(config.drop, { path: `${config.dropDir}/${file.name}` })
  api['grantDroppedToBatch'] = (files: { name: string }[]) => invoke(config.batchDrop, { paths: files.map((f) => `${config.dropDir}/${f.name}`) })
  g['api'] = Object.freeze(api)
  g['__fidediffEmit'] = (channel: string, payload: unknown) => listeners.get(channel)?.forEach((l) => l(payload))
}

export async function openEditorPage(h: CoreHarness, dropDir: string): Promise<PageHarness> {
  ensureBuiltRenderer()
  let origin = ''
  const server: Server = createServer((req, res) => {
    void serveAppRequest(`${origin}${req.url ?? '/'}`, RENDERER_DIR, h.core.library).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()))
      res.end(Buffer.from(await response.arrayBuffer()))
    })
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  const guarded = guardAll(h.core.impls, { origin, windowId: () => 1 })
  await page.exposeBinding('__fidediffInvoke', async (source, channel: string, payload: unknown): Promise<Result> => {
    const handler = guarded.get(channel as CommandName)
    if (!handler) return { ok: false, error: `unknown channel ${channel}` }
    return handler({ webContentsId: 1, frameUrl: source.frame.url(), isMainFrame: source.frame === source.page.mainFrame() }, payload)
  })
  await page.addInitScript(bridge, { commands: COMMAND_METHODS, events: EVENT_METHODS, drop: DROP_CHANNEL, batchDrop: BATCH_DROP_CHANNEL, dropDir } satisfies BridgeConfig)
  // events go to the page one after another, in the order main sent them
  let chain = Promise.resolve()
  h.forward = (event, payload) => {
    chain = chain.then(() =>
      page.evaluate(([e, p]) => (globalThis as unknown as { __fidediffEmit(e: string, p: unknown): void }).__fidediffEmit(e, p), [event, payload] as const).catch(() => undefined),
    )
  }
  await page.goto(`${origin}/index.html`)
  return {
    browser,
    page,
    origin,
    problems,
    close: async () => {
      h.forward = null
      await browser.close()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
}
