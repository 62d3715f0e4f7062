import { describe, expect, it } from 'vitest'
import { psnr } from '../../bench/metrics/image-metrics.ts'
import { fromPlanar, openMaximTfjs, toPlanar } from '../../bench/quality/maxim-tfjs.ts'
import type { PixelBuffer } from '../../src/shared/domain.ts'

/** a 64×64 crop-sized card: soft edges, as a blurry photo has */
function softCard(size: number): PixelBuffer {
  const data = new Uint8Array(size * size * 3)
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++) {
        const edge = 1 / (1 + Math.exp(-(x - size / 2 + 6 * Math.sin(y / 9)) / 2.5))
        data[(y * size + x) * 3 + c] = Math.round(40 + 150 * edge + 20 * c + 15 * Math.sin(y / 5))
      }
  return { width: size, height: size, channels: 3, bitDepth: 8, data }
}

describe('the MAXIM-3S rows of the quality benchmark', () => {
  it('converts pixels to the NCHW planes MAXIM reads and back without loss', () => {
    const card = softCard(16)
    expect(psnr(fromPlanar(toPlanar(card), 16, 16), card)).toBe(Infinity)
  })

  it('restores a tiny 64×64 crop with the shipped TF.js graph into an image of the same size', async () => {
    const maxim = await openMaximTfjs()
    try {
      const card = softCard(64)
      const out = await maxim.restore(card)
      expect([out.width, out.height, out.channels]).toEqual([64, 64, 3])
      // a restoration, not garbage: close to its input, yet not a copy of it
      const similarity = psnr(out, card)
      expect(similarity).toBeGreaterThan(20)
      expect(similarity).toBeLessThan(Infinity)
      await expect(maxim.restore(softCard(40))).rejects.toThrow(/multiples of 64, got 40×40/)
    } finally {
      maxim.dispose()
    }
  }, 300_000)
})
