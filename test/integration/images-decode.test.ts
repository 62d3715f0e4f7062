import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PixelBuffer } from '../../src/shared/domain.ts'
import { DEFAULT_PIXEL_LIMIT, PhotoError, decodePhoto, renderPreview } from '../../src/main/images/index.ts'
import { ORIENTED, PATCHES, makePhotos, type PhotoFixtures } from '../fixtures/make-photos.ts'

let dir: string
let f: PhotoFixtures

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'images-decode-'))
  f = await makePhotos(dir)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function pixel(p: PixelBuffer, x: number, y: number): number[] {
  const at = (y * p.width + x) * p.channels
  return [...p.data.subarray(at, at + p.channels)]
}

/** every channel within `tolerance` of the expected 8-bit colour */
function expectColour(actual: number[], expected: readonly number[], tolerance: number): void {
  expected.forEach((value, i) => expect(Math.abs(actual[i]! - value), `channel ${i}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance))
}

describe('opening photos', () => {
  it('shows a phone photo taken in portrait upright, with its Display P3 colours converted to sRGB', async () => {
    const photo = await decodePhoto(f.orientedP3Jpeg)
    const { pixels } = photo
    expect([pixels.width, pixels.height]).toEqual([ORIENTED.storedHeight, ORIENTED.storedWidth])
    expect(pixels.bitDepth).toBe(8)
    expect(pixels.data).toBeInstanceOf(Uint8Array)
    // orientation 6 turns the stored top-left corner into the top-right one
    expectColour(pixel(pixels, ORIENTED.storedHeight - 3, 3), ORIENTED.marker, 12)
    expectColour(pixel(pixels, 3, 3), ORIENTED.background, 6)
    // stored patch (40..55, 20..35) lands at upright x = 40 - 1 - (20..35), y = 40..55
    expectColour(pixel(pixels, 12, 48), ORIENTED.patch, 6)
    // the file itself holds the P3 encoding of red, visibly different from sRGB red
    const stored = await sharp(f.orientedP3Jpeg, { ignoreIcc: true }).raw().toBuffer()
    expect(stored[1]).toBeGreaterThan(30)
    expect(photo.metadata.orientation).toBe(6)
    expect(photo.metadata.density).toBe(ORIENTED.density)
    expect(photo.metadata.iccDescription).toBe('Display P3')
    expect(photo.metadata.exif?.includes(ORIENTED.make)).toBe(true)
    expect(photo.metadata.xmp?.toString()).toContain(ORIENTED.xmpTitle)
    expect(photo.format).toBe('jpeg')
  })

  it('keeps every value of a 16-bit PNG', async () => {
    const { pixels, format } = await decodePhoto(f.deepPng)
    expect(format).toBe('png')
    expect(pixels.bitDepth).toBe(16)
    expect(pixels.data).toBeInstanceOf(Uint16Array)
    expect([pixels.width, pixels.height, pixels.channels]).toEqual([32, 16, 3])
    expect(pixels.data).toEqual(f.deepPixels)
  })

  it('converts a 16-bit Display P3 PNG to sRGB without losing its depth', async () => {
    const { pixels, metadata } = await decodePhoto(f.deepP3Png)
    expect(pixels.bitDepth).toBe(16)
    expect(metadata.iccDescription).toBe('Display P3')
    PATCHES.forEach((rgb, i) => expectColour(pixel(pixels, i * 16 + 8, 8).map((v) => v / 257), rgb, 2))
  })

  it('keeps the transparency of an RGBA PNG exactly', async () => {
    const { pixels } = await decodePhoto(f.alphaPng)
    expect(pixels.channels).toBe(4)
    expect(pixels.data).toEqual(f.alphaPixels)
  })

  it('shows a CMYK JPEG in plausible RGB colours', async () => {
    const { pixels } = await decodePhoto(f.cmykJpeg)
    expect(pixels.channels).toBe(3)
    // print inks cannot hold saturated screen colours: expect the right hue, not the value
    const strongest = (rgb: readonly number[]): number => rgb.indexOf(Math.max(...rgb))
    for (const [i, rgb] of PATCHES.slice(0, 3).entries()) {
      const actual = pixel(pixels, i * 16 + 8, 8)
      expect(strongest(actual), `${actual} should look like ${rgb}`).toBe(strongest(rgb))
      expect(Math.max(...actual) - Math.min(...actual)).toBeGreaterThan(100)
    }
    expect(Math.min(...pixel(pixels, 56, 8))).toBeGreaterThan(225)
  })

  it('opens the first frame of an animated GIF only', async () => {
    const { pixels, format } = await decodePhoto(f.animatedGif)
    expect(format).toBe('gif')
    expect([pixels.width, pixels.height]).toEqual([16, 16])
    expectColour(pixel(pixels, 8, 8), [255, 0, 0], 0)
  })

  it.each([
    ['webp', 'webp', 8, 6],
    ['avif', 'avif', 8, 8],
    ['tiff', 'tiff', 8, 0],
    ['deepTiff', 'tiff', 16, 0],
  ] as const)('opens a %s photo', async (key, format, bitDepth, tolerance) => {
    const { pixels, format: actual } = await decodePhoto(f[key])
    expect(actual).toBe(format)
    expect([pixels.width, pixels.height, pixels.channels, pixels.bitDepth]).toEqual([64, 16, 3, bitDepth])
    const scale = bitDepth === 16 ? 257 : 1
    PATCHES.forEach((rgb, i) => expectColour(pixel(pixels, i * 16 + 8, 8).map((v) => v / scale), rgb, tolerance))
  })

  it('turns a greyscale photo into RGB', async () => {
    const { pixels } = await decodePhoto(f.greyPng)
    expect(pixels.channels).toBe(3)
    expect(pixel(pixels, 5, 2)).toEqual([74, 74, 74])
  })

  it('says clearly when an HEIC photo cannot be decoded by this build', async () => {
    const heicBuilt = (sharp.format.heif.input.fileSuffix ?? []).includes('.heic')
    if (heicBuilt) {
      const { pixels } = await decodePhoto(f.heic)
      expect([pixels.width, pixels.height]).toEqual([16, 12])
    } else {
      const error = await decodePhoto(f.heic).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(PhotoError)
      expect(error).toMatchObject({ code: 'unsupported', file: f.heic })
      expect((error as PhotoError).message).toMatch(/^hevc\.heic: .*HEVC/)
    }
  })
})

describe('photos that cannot be opened', () => {
  it.each([
    ['truncatedJpeg', 'truncated', /truncated or corrupt/],
    ['truncatedPng', 'truncated', /truncated or corrupt/],
    ['emptyJpeg', 'empty', /empty/],
    ['textJpeg', 'not-an-image', /not a photo/],
    ['bombPng', 'too-many-pixels', /100000 × 100000 pixels/],
  ] as const)('%s gives a clear error naming the file and writes nothing', async (key, code, problem) => {
    const before = await readdir(dir)
    const error = await decodePhoto(f[key]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PhotoError)
    expect(error).toMatchObject({ code, file: f[key] })
    expect((error as Error).message.startsWith(`${basename(f[key])}: `)).toBe(true)
    expect((error as Error).message).toMatch(problem)
    expect(await readdir(dir)).toEqual(before)
    // previews refuse the same files the same way
    await expect(renderPreview(f[key], 64)).rejects.toMatchObject({ code })
  })

  it('refuses a photo above a lower pixel limit, and the default limit is sane', async () => {
    await expect(decodePhoto(f.deepPng, { pixelLimit: 100 })).rejects.toMatchObject({ code: 'too-many-pixels' })
    expect(DEFAULT_PIXEL_LIMIT).toBeGreaterThanOrEqual(150_000_000)
    expect(DEFAULT_PIXEL_LIMIT).toBeLessThanOrEqual(268_402_689)
  })

  it('refuses a drawing (SVG) renamed to .jpg: only photo formats are opened', async () => {
    const svg = join(dir, 'drawing.jpg')
    await writeFile(svg, '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>')
    await expect(decodePhoto(svg)).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/^drawing\.jpg: SVG files/) })
  })

  it('names a missing file and a folder', async () => {
    const missing = join(dir, 'gone.jpg')
    await expect(decodePhoto(missing)).rejects.toMatchObject({ code: 'not-found', file: missing, message: 'gone.jpg: the file does not exist' })
    const folder = join(dir, 'album.jpg')
    await mkdir(folder)
    await expect(decodePhoto(folder)).rejects.toMatchObject({ code: 'not-an-image', file: folder })
  })
})

describe('previews', () => {
  it('are small upright sRGB JPEGs', async () => {
    const jpeg = await renderPreview(f.orientedP3Jpeg, 30)
    const meta = await sharp(jpeg).metadata()
    expect(meta.format).toBe('jpeg')
    expect([meta.width, meta.height]).toEqual([20, 30])
    expect(meta.orientation ?? 1).toBe(1)
    const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true })
    const at = (1 * info.width + info.width - 2) * 3
    expectColour([...data.subarray(at, at + 3)], ORIENTED.marker, 40)
  })

  it('show 16-bit Display P3 colours correctly', async () => {
    const jpeg = await renderPreview(f.deepP3Png, 100)
    const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height]).toEqual([64, 16])
    PATCHES.forEach((rgb, i) => {
      const at = (8 * info.width + i * 16 + 8) * 3
      expectColour([...data.subarray(at, at + 3)], rgb, 8)
    })
  })

  it('never enlarge a photo and refuse a size of 0', async () => {
    const meta = await sharp(await renderPreview(f.webp, 4000)).metadata()
    expect([meta.width, meta.height]).toEqual([64, 16])
    await expect(renderPreview(f.webp, 0)).rejects.toMatchObject({ code: 'invalid-options' })
  })
})
