/**
 * Electron main entry: lifecycle, the one editor window with the security defaults of
 * SECURITY.md, the app:// protocol, the menu, the single-instance lock and IPC wiring.
 * All decisions live in Electron-free modules (window-options, app/*, ipc/handle) so tests
 * check them without Electron; this file only connects them.
 */
import { app, BrowserWindow, Menu, protocol, session, shell, type MenuItemConstructorOptions } from 'electron'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { defaultModelDirs } from './engine/index.ts'
import { createAppCore, type AppCore } from './app/app-core.ts'
import { serveAppRequest } from './app/app-routes.ts'
import { filesFromArgv } from './app/command-line.ts'
import { menuTemplate, type MenuEntry } from './app/menu-template.ts'
import { guardAll, originOf } from './ipc/handle.ts'
import { electronDialogs } from './ipc/electron-dialogs.ts'
import { registerCommands } from './ipc/register.ts'
import type { EventName, EventPayloads } from '../shared/ipc-contract.ts'
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME,
  editorWindowOptions,
  isAllowedNavigation,
  permissionDecision,
  windowOpenDecision,
} from './window-options.ts'

const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url))
const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url))
// `electron-vite dev` serves the renderer with hot reload; packaged and preview builds use app://
const devUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined
const entryUrl = devUrl ?? APP_ENTRY_URL
const uiOrigin = devUrl ? (originOf(devUrl) ?? APP_ORIGIN) : APP_ORIGIN

// must happen before `ready`: app:// behaves like https (standard, secure, fetch allowed);
// corsEnabled because module scripts are fetched in CORS mode (vite marks them crossorigin) —
// other origins still cannot read our responses, which carry no Access-Control-Allow-Origin
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
])

let win: BrowserWindow | null = null
let core: AppCore | null = null

function emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
  if (win && !win.isDestroyed()) win.webContents.send(event, payload)
}

/** FIDEDIFF_MODELS, then the models shipped as extra resources (or the repo's resources/models). */
function modelDirs(): string[] {
  return defaultModelDirs(app.isPackaged ? join(process.resourcesPath, 'models') : undefined)
}

function toMenuItem(entry: MenuEntry): MenuItemConstructorOptions {
  if ('separator' in entry) return { type: 'separator' }
  if ('role' in entry) return { role: entry.role as MenuItemConstructorOptions['role'], ...(entry.label ? { label: entry.label } : {}) }
  return {
    label: entry.label,
    accelerator: entry.accelerator,
    registerAccelerator: entry.registerAccelerator ?? true,
    click: () => emit('menu:command', entry.command),
  }
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow(editorWindowOptions(preloadPath))
  const contents = window.webContents
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, uiOrigin)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url, uiOrigin)) event.preventDefault()
  })
  contents.setWindowOpenHandler(windowOpenDecision)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.once('did-finish-load', () => {
    core?.openFromCommandLine(filesFromArgv(process.argv, process.cwd()))
  })
  window.once('ready-to-show', () => window.show())
  window.on('closed', () => {
    if (win === window) win = null
  })
  void window.loadURL(entryUrl)
  return window
}

async function start(): Promise<void> {
  await app.whenReady()
  // SECURITY.md #5: deny every permission request and check
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionDecision(permission)))
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionDecision(permission))
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(windowOpenDecision)
  })

  core = await createAppCore({
    userDataDir: app.getPath('userData'),
    version: app.getVersion(),
    platform: process.platform,
    dialogs: electronDialogs(() => win),
    emit,
    // SECURITY.md #15: only "show in folder" of a batch's own outputs (src/main/app/batch-jobs.ts)
    showItemInFolder: (path) => shell.showItemInFolder(path),
    modelDirs: modelDirs(),
    engineWorker: new URL('./engine-worker.js', import.meta.url),
    tileWorker: new URL('./tile-worker.js', import.meta.url),
  })
  const library = core.library
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request.url, rendererDir, library))
  registerCommands(guardAll(core.impls, { origin: uiOrigin, windowId: () => (win && !win.isDestroyed() ? win.webContents.id : null) }))

  const template = menuTemplate(process.platform).map((section) => ({
    label: section.label,
    ...(section.role ? { role: section.role as MenuItemConstructorOptions['role'] } : {}),
    submenu: section.items.map(toMenuItem),
  }))
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))

  win = createWindow()
  app.on('activate', () => {
    if (!win) win = createWindow()
  })
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', (_event, argv, cwd) => {
    core?.openFromCommandLine(filesFromArgv(argv, cwd))
    if (win) {
      if (win.isMinimized()) win.restore()
      win.focus()
    }
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  let disposed = false
  app.on('before-quit', (event) => {
    if (disposed || !core) return
    event.preventDefault()
    disposed = true
    void core.dispose().finally(() => app.quit())
  })
  start().catch((error: unknown) => {
    console.error('FideDiff Studio failed to start:', error)
    app.exit(1)
  })
}
