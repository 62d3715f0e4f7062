/**
 * Preview URLs: the UI never loads a photo file directly (SECURITY.md #18); it asks the app
 * protocol for `/photo/<token>/<variant>/<version>/<level>.jpg` (the whole photo at
 * 1 / 2^level) or `/photo/<token>/<variant>/<version>/<level>/<tx>-<ty>.jpg` (one
 * PREVIEW_TILE-pixel tile of that level). The viewer shows a small whole-photo level and
 * loads only the visible tiles of the level the zoom needs, so a 50 MP photo stays fluid.
 */

export const PREVIEW_VARIANTS = ['original', 'result', 'region'] as const
export type PreviewVariant = (typeof PREVIEW_VARIANTS)[number]
export const MAX_PREVIEW_LEVEL = 8
/** edge of a preview tile, in pixels of its level */
export const PREVIEW_TILE = 512

export interface PreviewRequest {
  token: string
  variant: PreviewVariant
  /** bumped each time a variant's pixels change, so a cached image is never stale */
  version: number
  level: number
  /** one tile of the level; absent = the whole photo at that level */
  tile?: { x: number; y: number }
}

export function previewUrl(r: PreviewRequest): string {
  const base = `/photo/${r.token}/${r.variant}/${r.version}/${r.level}`
  return r.tile ? `${base}/${r.tile.x}-${r.tile.y}.jpg` : `${base}.jpg`
}

const PATTERN = /^\/photo\/([0-9a-f]{32})\/(original|result|region)\/(\d{1,6})\/(\d)(?:\/(\d{1,4})-(\d{1,4}))?\.jpg$/

/** Strict parse: anything that is not exactly a preview path (traversal included) gives null. */
export function parsePreviewPath(pathname: string): PreviewRequest | null {
  const m = PATTERN.exec(pathname)
  if (!m) return null
  const level = Number(m[4])
  if (level > MAX_PREVIEW_LEVEL) return null
  const r: PreviewRequest = { token: m[1]!, variant: m[2] as PreviewVariant, version: Number(m[3]), level }
  if (m[5] !== undefined && m[6] !== undefined) r.tile = { x: Number(m[5]), y: Number(m[6]) }
  return r
}

/**
 * The level to request at `zoom` (screen px per image px): the largest 1/2^k that is still
 * ≥ zoom, so the preview is never upscaled on screen; `pixelRatio` accounts for HiDPI screens.
 */
export function previewLevelFor(zoom: number, pixelRatio = 1): number {
  const z = zoom * pixelRatio
  if (!(z > 0) || z >= 1) return 0
  return Math.min(MAX_PREVIEW_LEVEL, Math.floor(-Math.log2(z) + 1e-9))
}

/** The whole-photo level always shown underneath: its long edge is about 1024–2047 px. */
export function basePreviewLevel(width: number, height: number): number {
  return Math.min(MAX_PREVIEW_LEVEL, Math.max(0, Math.floor(Math.log2(Math.max(width, height) / 1024))))
}

export interface PreviewTile {
  x: number
  y: number
  /** the original-image pixels the tile covers */
  box: { x: number; y: number; width: number; height: number }
}

/** The tile (tx, ty) of `level`: PREVIEW_TILE · 2^level original pixels, clipped to the photo. */
export function tileBox(width: number, height: number, level: number, tx: number, ty: number): PreviewTile['box'] | null {
  const span = PREVIEW_TILE * 2 ** level
  const x = tx * span
  const y = ty * span
  if (tx < 0 || ty < 0 || x >= width || y >= height) return null
  return { x, y, width: Math.min(span, width - x), height: Math.min(span, height - y) }
}

/** Tiles of `level` that overlap `visible` (original-image pixels). */
export function visibleTiles(
  width: number,
  height: number,
  level: number,
  visible: { x: number; y: number; width: number; height: number },
): PreviewTile[] {
  const span = PREVIEW_TILE * 2 ** level
  const x0 = Math.max(0, Math.floor(visible.x / span))
  const y0 = Math.max(0, Math.floor(visible.y / span))
  const x1 = Math.min(Math.ceil(width / span), Math.ceil((visible.x + visible.width) / span))
  const y1 = Math.min(Math.ceil(height / span), Math.ceil((visible.y + visible.height) / span))
  const out: PreviewTile[] = []
  for (let ty = y0; ty < y1; ty++)
    for (let tx = x0; tx < x1; tx++) {
      const box = tileBox(width, height, level, tx, ty)
      if (box) out.push({ x: tx, y: ty, box })
    }
  return out
}
