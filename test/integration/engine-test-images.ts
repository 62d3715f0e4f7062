/** Small generated photos and model-folder helpers for the engine's integration tests. */
import { cp, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { PixelBuffer } from '../../src/shared/domain.ts'

export const FIXTURE_MODELS = resolve('test/fixtures/models')

/**
 * A structured test photo: smooth gradients, a sinusoidal pattern, hard edges and hashed
 * texture, so a shifted, flipped or mis-blended tile shows up as a large difference.
 */
export function testPhoto(width: number, height: number, options: { bitDepth?: 8 | 16; alpha?: boolean } = {}): PixelBuffer {
  const bitDepth = options.bitDepth ?? 8
  const channels = options.alpha ? 4 : 3
  const max = bitDepth === 16 ? 65535 : 255
  const data = bitDepth === 16 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const hash = ((x * 73856093) ^ (y * 19349663)) >>> 0
      const edge = (Math.floor(x / 37) + Math.floor(y / 23)) % 2
      const values = [
        x / width,
        0.5 + 0.4 * Math.sin(x * 0.11) * Math.cos(y * 0.07),
        0.3 * edge + 0.5 * (y / height) + 0.2 * ((hash % 1000) / 1000),
      ]
      const at = (y * width + x) * channels
      values.forEach((v, c) => (data[at + c] = Math.round(Math.min(1, Math.max(0, v)) * max)))
      if (channels === 4) data[at + 3] = (x * 7 + y * 3) % (max + 1)
    }
  return { width, height, channels, bitDepth, data }
}

/** Largest per-value difference between two same-sized buffers, as a fraction of full scale. */
export function maxDifference(a: PixelBuffer, b: PixelBuffer, pixels?: (x: number, y: number) => boolean): number {
  const max = a.bitDepth === 16 ? 65535 : 255
  let worst = 0
  for (let y = 0; y < a.height; y++)
    for (let x = 0; x < a.width; x++) {
      if (pixels && !pixels(x, y)) continue
      for (let c = 0; c < 3; c++) {
        const at = (y * a.width + x) * a.channels + c
        worst = Math.max(worst, Math.abs(a.data[at]! - b.data[at]!))
      }
    }
  return worst / max
}

/** A private copy of a fixture model, safe to break. */
export async function copyFixtureModel(id: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'fidediff-engine-'))
  const dir = join(root, id)
  await cp(join(FIXTURE_MODELS, id), dir, { recursive: true })
  return dir
}
