/**
 * Renders preview JPEGs from decoded pixels held in the main process (the original, the
 * deblurred result, a region preview) at 1 / 2^level — the whole photo or one tile of it.
 * sharp crops and resizes off the main thread.
 */
import sharp from 'sharp'
import type { PixelBuffer } from '../../shared/domain.ts'
import { tileBox } from '../../shared/preview-url.ts'

/** JPEG of `pixels` at 1 / 2^level, or of tile (x, y) of that level; null for a tile outside the photo. */
export async function renderPixelsPreview(pixels: PixelBuffer, level: number, tile?: { x: number; y: number }): Promise<Buffer | null> {
  const scale = 2 ** -level
  const box = tile ? tileBox(pixels.width, pixels.height, level, tile.x, tile.y) : { x: 0, y: 0, width: pixels.width, height: pixels.height }
  if (!box) return null
  let img = sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels } })
  if (tile) img = img.extract({ left: box.x, top: box.y, width: box.width, height: box.height })
  const width = Math.max(1, Math.round(box.width * scale))
  const height = Math.max(1, Math.round(box.height * scale))
  if (width !== box.width || height !== box.height) img = img.resize({ width, height, fit: 'fill', kernel: 'lanczos3' })
  if (pixels.channels === 4) img = img.flatten({ background: '#808080' })
  // 16-bit input is cast to 8-bit sRGB for the screen
  return img.toColourspace('srgb').jpeg({ quality: 88, chromaSubsampling: '4:4:4' }).toBuffer()
}
