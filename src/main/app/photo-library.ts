/**
 * The photos open in the editor, held in the main process: decoded pixels, the deblurred
 * result, the latest region preview and analysis, keyed by an unguessable token. The renderer
 * only ever sees tokens and preview URLs, never pixels over IPC.
 */
import { randomBytes } from 'node:crypto'
import { basename } from 'node:path'
import type { Box, PhotoAnalysis, PixelBuffer } from '../../shared/domain.ts'
import type { PhotoInfo } from '../../shared/ipc-contract.ts'
import type { PreviewRequest } from '../../shared/preview-url.ts'
import type { DecodedPhoto } from '../images/index.ts'
import type { PreviewSource } from './app-routes.ts'
import { renderPixelsPreview } from './preview-render.ts'
import { sharedPixels } from './remote-engine.ts'

/** A few photos at most: each holds full-size pixels (and its result) in memory. */
export const MAX_OPEN_PHOTOS = 3
/** whole levels and tiles rendered lately (a screenful of tiles is about 12) */
const MAX_CACHED_PREVIEWS = 48

export interface OpenPhoto {
  token: string
  info: PhotoInfo
  decoded: DecodedPhoto
  result: PixelBuffer | null
  resultVersion: number
  region: { box: Box; pixels: PixelBuffer } | null
  regionVersion: number
  analysis: PhotoAnalysis | null
  previews: Map<string, Promise<Buffer | null>>
}

export class PhotoNotOpenError extends Error {
  constructor() {
    super('This photo is no longer open; open it again.')
    this.name = 'PhotoNotOpenError'
  }
}

export class PhotoLibrary implements PreviewSource {
  readonly #photos = new Map<string, OpenPhoto>()

  add(photo: DecodedPhoto): OpenPhoto {
    const token = randomBytes(16).toString('hex')
    // shared memory: the engine worker reads the pixels without a copy per job
    const decoded: DecodedPhoto = { ...photo, pixels: sharedPixels(photo.pixels) }
    const { pixels, metadata } = decoded
    const info: PhotoInfo = {
      token,
      path: decoded.path,
      name: basename(decoded.path),
      width: pixels.width,
      height: pixels.height,
      format: decoded.format,
      bitDepth: pixels.bitDepth,
      channels: pixels.channels,
      iccDescription: metadata.iccDescription ?? null,
      hasExif: metadata.exif !== undefined,
    }
    const open: OpenPhoto = {
      token,
      info,
      decoded,
      result: null,
      resultVersion: 0,
      region: null,
      regionVersion: 0,
      analysis: null,
      previews: new Map(),
    }
    this.#photos.set(token, open)
    // the oldest photos go first (Map keeps insertion order)
    for (const old of this.#photos.keys()) {
      if (this.#photos.size <= MAX_OPEN_PHOTOS) break
      this.#photos.delete(old)
    }
    return open
  }

  get(token: string): OpenPhoto {
    const photo = this.#photos.get(token)
    if (!photo) throw new PhotoNotOpenError()
    return photo
  }

  has(token: string): boolean {
    return this.#photos.has(token)
  }

  close(token: string): boolean {
    return this.#photos.delete(token)
  }

  setResult(token: string, pixels: PixelBuffer, analysis: PhotoAnalysis | null): number {
    const photo = this.get(token)
    photo.result = pixels
    photo.resultVersion += 1
    if (analysis) photo.analysis = analysis
    return photo.resultVersion
  }

  setRegion(token: string, box: Box, pixels: PixelBuffer): number {
    const photo = this.get(token)
    photo.region = { box, pixels }
    photo.regionVersion += 1
    return photo.regionVersion
  }

  setAnalysis(token: string, analysis: PhotoAnalysis): void {
    this.get(token).analysis = analysis
  }

  async preview(r: PreviewRequest): Promise<Buffer | null> {
    const photo = this.#photos.get(r.token)
    if (!photo) return null
    const pixels =
      r.variant === 'original'
        ? photo.decoded.pixels
        : r.variant === 'result'
          ? r.version === photo.resultVersion
            ? photo.result
            : null
          : r.version === photo.regionVersion
            ? (photo.region?.pixels ?? null)
            : null
    if (!pixels) return null
    const key = `${r.variant}/${r.version}/${r.level}/${r.tile ? `${r.tile.x}-${r.tile.y}` : 'all'}`
    let rendered = photo.previews.get(key)
    if (rendered) {
      // most recently used last, so panning back and forth keeps its tiles
      photo.previews.delete(key)
      photo.previews.set(key, rendered)
    } else {
      rendered = renderPixelsPreview(pixels, r.level, r.tile)
      photo.previews.set(key, rendered)
      rendered.catch(() => photo.previews.delete(key))
      while (photo.previews.size > MAX_CACHED_PREVIEWS) {
        const oldest = photo.previews.keys().next().value
        if (oldest === undefined) break
        photo.previews.delete(oldest)
      }
    }
    return rendered
  }
}
