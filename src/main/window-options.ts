/**
 * The editor window's options and navigation rules, as plain data and pure functions so a
 * unit test can assert them without starting Electron (SECURITY.md #2–#4, #6–#10, #13, #14).
 * src/main/index.ts passes these to `new BrowserWindow` unchanged.
 */

/** The scheme the UI and previews are served from (SECURITY.md #18: no file://). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'renderer'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/**
 * SECURITY.md #7: nothing remote, no inline script; images only from our origin (previews are
 * served at /photo/… by the same protocol) plus blob:/data: for canvases. Svelte sets styles
 * through the CSSOM, which style-src does not block, so no 'unsafe-inline' is needed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "object-src 'none'",
].join('; ')

export interface EditorWindowOptions {
  width: number
  height: number
  minWidth: number
  minHeight: number
  show: boolean
  backgroundColor: string
  title: string
  webPreferences: {
    preload: string
    contextIsolation: true
    sandbox: true
    nodeIntegration: false
    nodeIntegrationInWorker: false
    nodeIntegrationInSubFrames: false
    webSecurity: true
    allowRunningInsecureContent: false
    experimentalFeatures: false
    webviewTag: false
    navigateOnDragDrop: false
    spellcheck: false
  }
}

/** `preloadPath` is the bundled one-file CommonJS preload (out/preload/index.cjs). */
export function editorWindowOptions(preloadPath: string): EditorWindowOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 800,
    minHeight: 560,
    show: false,
    backgroundColor: '#1b1d21',
    title: 'FideDiff Studio',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      // a photo dropped outside our drop zone must not navigate the window to file://
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  }
}

/** SECURITY.md #13: the window may only (re)load our own entry page. */
export function isAllowedNavigation(url: string, origin: string = APP_ORIGIN): boolean {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}` === origin && (u.pathname === '/' || u.pathname === '/index.html')
  } catch {
    return false
  }
}

/** SECURITY.md #14: no new windows, ever. */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' }
}

/** SECURITY.md #5: the editor needs no camera, microphone, location, notifications, … */
export function permissionDecision(_permission: string): boolean {
  return false
}
