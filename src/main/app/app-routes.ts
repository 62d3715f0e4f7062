/**
 * The app protocol (SECURITY.md #18): serves the built renderer and the photo previews with
 * fetch-style Request → Response, so Electron's protocol.handle and the e2e test's http server
 * run the very same code. Paths are resolved inside the renderer folder only; anything that
 * would leave it (../, encoded or not) is refused.
 */
import { readFile } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'
import { parsePreviewPath, type PreviewRequest } from '../../shared/preview-url.ts'
import { CONTENT_SECURITY_POLICY } from '../window-options.ts'

export interface PreviewSource {
  /** JPEG bytes of the preview, or null when the token/variant/version is unknown */
  preview(request: PreviewRequest): Promise<Buffer | null>
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } })
}

/** The file under `root` that `pathname` names, or null when it would escape `root`. */
export function resolveStaticPath(root: string, pathname: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  if (decoded.split('/').some((part) => part === '..')) return null
  const rel = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '')
  const base = resolve(root)
  const file = resolve(base, rel)
  return file.startsWith(base + sep) ? file : null
}

export async function serveAppRequest(url: string, rendererDir: string, previews: PreviewSource): Promise<Response> {
  let pathname: string
  try {
    pathname = new URL(url).pathname
  } catch {
    return text(400, 'bad url')
  }
  if (pathname.startsWith('/photo/')) {
    const request = parsePreviewPath(pathname)
    if (!request) return text(404, 'no such preview')
    try {
      const jpeg = await previews.preview(request)
      if (!jpeg) return text(404, 'no such preview')
      return new Response(new Uint8Array(jpeg), {
        status: 200,
        headers: { 'content-type': 'image/jpeg', 'cache-control': 'private, max-age=3600' },
      })
    } catch (error) {
      return text(500, error instanceof Error ? error.message : String(error))
    }
  }
  const file = resolveStaticPath(rendererDir, pathname)
  if (!file) return text(403, 'refused')
  try {
    const body = await readFile(file)
    const type = MIME[extname(file)] ?? 'application/octet-stream'
    const headers: Record<string, string> = { 'content-type': type, 'x-content-type-options': 'nosniff' }
    if (type.startsWith('text/html')) headers['content-security-policy'] = CONTENT_SECURITY_POLICY
    return new Response(new Uint8Array(body), { status: 200, headers })
  } catch {
    return text(404, 'not found')
  }
}
