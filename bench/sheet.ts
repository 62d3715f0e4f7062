/**
 * A side-by-side image sheet for the quality benchmark (issue 6: "so a reader can look, not
 * only read"): one line per pair, columns blurry | … restorations … | sharp, each the pair's
 * centre crop at 1:1, titled above; written as PNG.
 */
import { renameSync } from 'node:fs'
import sharp, { type OverlayOptions } from 'sharp'
import type { PixelBuffer } from '../src/shared/domain.ts'
import type { OutputStore } from './quality/output-store.ts'
import type { BenchPair } from './quality/pairs.ts'
import { centreCrop, type Row } from './quality/rows.ts'

const TITLE = 30
const GAP = 4

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** `backdrop`: a pale box behind the text, for captions drawn over a picture */
function caption(text: string, width: number, height: number, size: number, backdrop = false): Buffer {
  const box = Math.min(width, Math.round(12 + text.length * size * 0.6))
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      (backdrop ? `<rect width="${box}" height="100%" fill="white" fill-opacity="0.75"/>` : '') +
      `<text x="6" y="${height - 9}" font-family="sans-serif" font-size="${size}" fill="black">${escapeXml(text)}</text></svg>`,
  )
}

function rawInput(image: PixelBuffer) {
  return {
    input: Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength),
    raw: { width: image.width, height: image.height, channels: image.channels },
  }
}

/** Columns: `rows` (their stored outputs, centre-cropped to `crop`) then the sharp target. */
export async function makeSheet(store: OutputStore, pairs: readonly BenchPair[], rows: readonly Row[], crop: number, file: string): Promise<void> {
  if (pairs.length === 0 || rows.length === 0) throw new RangeError('image sheet: no pairs or no rows to show')
  const titles = [...rows.map((r) => r.label), 'sharp (target)']
  const cols = titles.length
  const width = cols * crop + (cols - 1) * GAP
  const height = TITLE + pairs.length * (crop + GAP)
  const layers: OverlayOptions[] = titles.map((t, c) => ({
    input: caption(t.length > 44 ? `${t.slice(0, 43)}…` : t, crop, TITLE, 12),
    left: c * (crop + GAP),
    top: 0,
  }))
  for (const [i, pair] of pairs.entries()) {
    const top = TITLE + i * (crop + GAP)
    const images: PixelBuffer[] = []
    for (const row of rows) {
      const out = await store.readImage(row.key, pair.id)
      images.push(row.crop ? out : centreCrop(out, crop))
    }
    images.push(centreCrop(pair.sharpPixels, crop))
    images.forEach((image, c) => layers.push({ ...rawInput(image), left: c * (crop + GAP), top }))
    layers.push({ input: caption(`${pair.id}: n = ${pair.n}, t = ${pair.t}`, crop, 26, 13, true), left: 0, top })
  }
  await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(layers)
    .png()
    .toFile(`${file}.tmp.png`)
  renameSync(`${file}.tmp.png`, file)
}
