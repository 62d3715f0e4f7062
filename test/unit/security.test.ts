import { readFile, readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  editorWindowOptions,
  isAllowedNavigation,
  permissionDecision,
  windowOpenDecision,
} from '../../src/main/window-options.ts'
import { resolveStaticPath, serveAppRequest } from '../../src/main/app/app-routes.ts'
import { COMMAND_METHODS, EVENT_METHODS } from '../../src/shared/ipc-channels.ts'

describe('the editor window (SECURITY.md #2–#14)', () => {
  const options = editorWindowOptions('/app/out/preload/index.cjs')

  it('isolates and sandboxes the page, with Node and webview off and web security on', () => {
    expect(options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    })
    expect(options.webPreferences).not.toHaveProperty('enableBlinkFeatures')
  })

  it('navigates only to its own entry page; new windows and permissions are denied', () => {
    expect(isAllowedNavigation(APP_ENTRY_URL)).toBe(true)
    expect(isAllowedNavigation('app://renderer/')).toBe(true)
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'app://renderer/photo/x', 'app://other/index.html', 'javascript:alert(1)', 'not a url'])
      expect(isAllowedNavigation(url)).toBe(false)
    expect(windowOpenDecision()).toEqual({ action: 'deny' })
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) expect(permissionDecision(p)).toBe(false)
  })

  it('the CSP allows nothing remote and no inline script, and index.html carries the same policy', async () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/)
      return [name!, values] as const
    }))
    expect(directives.get('default-src')).toEqual(["'none'"])
    expect(directives.get('script-src')).toEqual(["'self'"])
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/)
    const html = await readFile(resolve('src/renderer/index.html'), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(meta).toBe(CONTENT_SECURITY_POLICY)
  })
})

describe('the main entry applies those rules (it cannot start Electron here, so its wiring is read)', () => {
  it('denies permissions, guards navigation, new windows and webviews, and registers IPC only through handle()', async () => {
    const main = await readFile(resolve('src/main/index.ts'), 'utf8')
    for (const wiring of [
      'new BrowserWindow(editorWindowOptions(preloadPath))',
      'setPermissionRequestHandler',
      'setPermissionCheckHandler',
      "contents.on('will-navigate'",
      "contents.on('will-redirect'",
      'setWindowOpenHandler(windowOpenDecision)',
      "on('will-attach-webview', (event) => event.preventDefault())",
      'protocol.handle(APP_SCHEME',
      'registerCommands(guardAll(',
      'requestSingleInstanceLock()',
    ])
      expect(main, wiring).toContain(wiring)
    expect(main).not.toMatch(/ipcMain\.(on|handle)\(/)
    expect(main).not.toMatch(/loadFile\(|file:\/\//)
  })
})

describe('the app protocol (SECURITY.md #18)', () => {
  const root = resolve('src/renderer')
  const previews = { preview: async () => null }

  it('serves files inside the renderer folder only', async () => {
    expect(resolveStaticPath(root, '/index.html')).toBe(join(root, 'index.html'))
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'))
    for (const bad of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2F..%2Fpackage.json', '/a%5C..%5C..%5Cpackage.json', '/%00x', '/%E0%A4%A'])
      expect(resolveStaticPath(root, bad)).toBeNull()
    const refused = await serveAppRequest('app://renderer/assets/..%2F..%2F..%2Fpackage.json', root, previews)
    expect(refused.status).toBe(403)
    // the URL parser folds plain and %2e dot segments before we see them: they stay inside
    for (const url of ['app://renderer/%2e%2e/%2e%2e/package.json', 'app://renderer/../../package.json'])
      expect((await serveAppRequest(url, root, previews)).status).toBe(404)
    const page = await serveAppRequest('app://renderer/index.html', root, previews)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
  })

  it('answers unknown or malformed preview paths with 404, never a file', async () => {
    for (const url of ['app://renderer/photo/../package.json', `app://renderer/photo/${'a'.repeat(32)}/original/0/0.jpg`, 'app://renderer/photo/x'])
      expect((await serveAppRequest(url, root, previews)).status).toBe(404)
  })
})

describe('the preload (SECURITY.md #4, #20)', () => {
  it('exposes only the named functions of the contract — no ipcRenderer, no generic invoke', async () => {
    const exposed: Record<string, unknown> = {}
    const invoked: [string, unknown][] = []
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
      ipcRenderer: {
        invoke: async (channel: string, payload: unknown) => {
          invoked.push([channel, payload])
          return { ok: false, error: 'photo.jpg: refused' }
        },
        on: () => {},
        removeListener: () => {},
      },
      webUtils: { getPathForFile: () => '' },
    }))
    await import('../../src/preload/index.ts')
    vi.doUnmock('electron')
    expect(Object.keys(exposed)).toEqual(['api'])
    const api = exposed['api'] as Record<string, unknown>
    expect(Object.isFrozen(api)).toBe(true)
    const expected = [...Object.keys(COMMAND_METHODS), ...Object.keys(EVENT_METHODS), 'openDroppedFile', 'grantDroppedToBatch']
    expect(Object.keys(api).sort()).toEqual(expected.sort())
    for (const value of Object.values(api)) expect(typeof value).toBe('function')
    // each function talks to its own channel only, and errors arrive as readable Errors
    await expect((api['openPhoto'] as (r: unknown) => Promise<unknown>)({ path: '/x.jpg' })).rejects.toThrow('photo.jpg: refused')
    expect(invoked).toEqual([['photo:open', { path: '/x.jpg' }]])
    // a File the page made up (no path on disk) is refused before anything is sent
    await expect((api['openDroppedFile'] as (f: unknown) => Promise<unknown>)({ name: 'x.jpg' })).rejects.toThrow('dropped')
    await expect((api['grantDroppedToBatch'] as (f: unknown) => Promise<unknown>)([{ name: 'shoot' }])).rejects.toThrow('dropped')
    expect(invoked).toHaveLength(1)
  })

  it('is built as one CommonJS file so it runs sandboxed', async () => {
    const config = await readFile(resolve('electron.vite.config.ts'), 'utf8')
    expect(config).toMatch(/format: 'cjs'/)
    expect(config).toMatch(/externalizeDeps: false/)
    const main = await readFile(resolve('src/main/index.ts'), 'utf8')
    expect(main).toContain("'../preload/index.cjs'")
  })
})

describe('process boundaries (STYLE.md habit 1)', () => {
  async function sources(dir: string): Promise<string[]> {
    const out: string[] = []
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) out.push(...(await sources(p)))
      else if (/\.(ts|svelte)$/.test(e.name)) out.push(p)
    }
    return out
  }

  it('the renderer and shared code import neither Electron nor Node', async () => {
    for (const file of [...(await sources(resolve('src/renderer'))), ...(await sources(resolve('src/shared')))]) {
      const text = await readFile(file, 'utf8')
      expect(text, file).not.toMatch(/from ['"](electron|node:[a-z/]+|fs|path|child_process)['"]/)
    }
  })

  it('only the main entry, ipc/ and the preload import Electron', async () => {
    for (const file of await sources(resolve('src/main'))) {
      const text = await readFile(file, 'utf8')
      const allowed = file.endsWith(join('src', 'main', 'index.ts')) || file.includes(join('src', 'main', 'ipc') + '/')
      if (!allowed) expect(text, file).not.toMatch(/from ['"]electron['"]/)
    }
  })
})
