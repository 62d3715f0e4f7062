import { execFile } from 'node:child_process'
import { link, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PixelBuffer } from '../../src/shared/domain.ts'
import { OUTPUT_FORMATS, decodePhoto, encodePhoto, extensionFor, type DecodedPhoto } from '../../src/main/images/index.ts'
import { iccDescription } from '../../src/main/images/icc-profile.ts'
import { ORIENTED, PATCHES, makePhotos, type PhotoFixtures } from '../fixtures/make-photos.ts'

let dir: string
let out: string
let f: PhotoFixtures
let outputs = 0

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'images-encode-'))
  f = await makePhotos(dir)
  out = join(dir, 'out')
  await mkdir(out)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** a fresh target in its own folder, so a test can check that nothing else appeared there */
async function target(name: string): Promise<string> {
  const folder = join(out, String(outputs++))
  await mkdir(folder)
  return join(folder, name)
}

async function exiftool(file: string, ...tags: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)('exiftool', ['-json', '-n', ...tags.map((t) => `-${t}`), file])
  return (JSON.parse(stdout) as Record<string, unknown>[])[0]!
}

function pixel(p: PixelBuffer, x: number, y: number): number[] {
  const at = (y * p.width + x) * p.channels
  return [...p.data.subarray(at, at + p.channels)]
}

/** lossy formats smear colour edges: compare them on average */
function meanDifference(a: PixelBuffer['data'], b: PixelBuffer['data']): number {
  expect(a.length).toBe(b.length)
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!)
  return sum / a.length
}

function maxDifference(a: PixelBuffer['data'], b: PixelBuffer['data']): number {
  expect(a.length).toBe(b.length)
  let max = 0
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!))
  return max
}

describe('saving results with their metadata', () => {
  let oriented: DecodedPhoto
  beforeAll(async () => {
    oriented = await decodePhoto(f.orientedP3Jpeg)
  })

  it('keeps camera EXIF, XMP and the Display P3 profile, and marks the upright pixels as orientation 1', async () => {
    const file = await target('result.jpg')
    await encodePhoto(oriented.pixels, oriented.metadata, file, { format: 'jpeg', quality: 95 })
    const meta = await sharp(file).metadata()
    expect([meta.width, meta.height]).toEqual([ORIENTED.storedHeight, ORIENTED.storedWidth])
    expect(meta.orientation).toBe(1)
    expect(meta.density).toBe(ORIENTED.density)
    expect(iccDescription(meta.icc!)).toBe('Display P3')
    const tags = await exiftool(file, 'EXIF:Orientation', 'Make', 'Model', 'DateTimeOriginal', 'ProfileDescription', 'XMP-dc:Title')
    expect(tags).toMatchObject({
      Orientation: 1,
      Make: ORIENTED.make,
      Model: ORIENTED.model,
      DateTimeOriginal: ORIENTED.dateTimeOriginal,
      ProfileDescription: 'Display P3',
      Title: ORIENTED.xmpTitle,
    })
    expect(meta.xmp?.toString()).toContain('tiff:Orientation="1"')
    // the pixels went back into Display P3: decoding again gives the same sRGB picture
    const again = await decodePhoto(file)
    expect(again.metadata.orientation).toBe(1)
    expect(meanDifference(again.pixels.data, oriented.pixels.data)).toBeLessThanOrEqual(2)
    const stored = await sharp(file, { ignoreIcc: true }).raw().toBuffer()
    const red = (1 * ORIENTED.storedHeight + ORIENTED.storedHeight - 2) * 3
    expect(stored[red + 1]).toBeGreaterThan(30) // P3 red, not sRGB red
  })

  it.each(OUTPUT_FORMATS)('writes %s with the profile, XMP and (except TIFF) EXIF', async (format) => {
    const file = await target(`result${extensionFor(format)}`)
    await encodePhoto(oriented.pixels, oriented.metadata, file, { format })
    const meta = await sharp(file).metadata()
    expect(meta.format).toBe(format === 'avif' ? 'heif' : format)
    expect([meta.width, meta.height]).toEqual([ORIENTED.storedHeight, ORIENTED.storedWidth])
    expect(iccDescription(meta.icc!)).toBe('Display P3')
    expect(meta.xmp?.toString()).toContain(ORIENTED.xmpTitle)
    // WebP and AVIF have no density field of their own; theirs is in the kept EXIF
    if (format !== 'webp' && format !== 'avif') expect(Math.round(meta.density ?? 0)).toBe(ORIENTED.density)
    // sharp writes no EXIF into TIFF (documented limit)
    expect(meta.exif?.includes(ORIENTED.make) ?? false).toBe(format !== 'tiff')
    const again = await decodePhoto(file)
    if (format === 'png' || format === 'tiff') expect(maxDifference(again.pixels.data, oriented.pixels.data)).toBeLessThanOrEqual(2)
    else expect(meanDifference(again.pixels.data, oriented.pixels.data)).toBeLessThanOrEqual(4)
  })

  it('keeps metadata that was passed between processes (structured clone turns Buffers into Uint8Arrays)', async () => {
    const cloned = structuredClone(oriented.metadata)
    expect(Buffer.isBuffer(cloned.exif)).toBe(false)
    const file = await target('cloned.png')
    await encodePhoto(oriented.pixels, cloned, file, { format: 'png' })
    const meta = await sharp(file).metadata()
    expect([meta.orientation, iccDescription(meta.icc!)]).toEqual([1, 'Display P3'])
    expect(meta.xmp?.toString()).toContain(ORIENTED.xmpTitle)
  })

  it('strips all metadata when asked to', async () => {
    const file = await target('stripped.webp')
    await encodePhoto(oriented.pixels, oriented.metadata, file, { format: 'webp', keepMetadata: false })
    const meta = await sharp(file).metadata()
    expect([meta.exif, meta.icc, meta.xmp, meta.orientation]).toEqual([undefined, undefined, undefined, undefined])
    const again = await decodePhoto(file)
    expect(Math.abs(pixel(again.pixels, ORIENTED.storedHeight - 3, 3)[0]! - 255)).toBeLessThanOrEqual(12)
  })

  it('gives photos without a profile an sRGB one, and invents no EXIF', async () => {
    const untagged = await decodePhoto(f.untaggedPng)
    const file = await target('tagged.png')
    await encodePhoto(untagged.pixels, untagged.metadata, file, { format: 'png' })
    const meta = await sharp(file).metadata()
    expect(iccDescription(meta.icc!)).toMatch(/^sRGB/)
    expect(meta.exif).toBeUndefined()
    expect((await decodePhoto(file)).pixels.data).toEqual(untagged.pixels.data)
  })

  it('writes a CMYK original back as RGB with an sRGB profile', async () => {
    const cmyk = await decodePhoto(f.cmykJpeg)
    const file = await target('from-cmyk.jpg')
    await encodePhoto(cmyk.pixels, cmyk.metadata, file, { format: 'jpeg' })
    const meta = await sharp(file).metadata()
    expect([meta.space, meta.channels]).toEqual(['srgb', 3])
    expect(iccDescription(meta.icc!)).toMatch(/^sRGB/)
  })
})

describe('bit depth and transparency', () => {
  it('writes a 16-bit PNG back with every value unchanged, with or without metadata', async () => {
    const deep = await decodePhoto(f.deepPng)
    for (const keepMetadata of [true, false]) {
      const file = await target('deep.png')
      await encodePhoto(deep.pixels, deep.metadata, file, { format: 'png', keepMetadata })
      expect((await sharp(file).metadata()).depth).toBe('ushort')
      const again = await decodePhoto(file)
      expect(again.pixels.data).toBeInstanceOf(Uint16Array)
      expect(again.pixels.data).toEqual(f.deepPixels)
    }
  })

  it('keeps 16 bits in TIFF and reduces them to 8 for JPEG or when asked', async () => {
    const deep = await decodePhoto(f.deepP3Png)
    const tiff = await target('deep.tif')
    await encodePhoto(deep.pixels, deep.metadata, tiff, { format: 'tiff' })
    const tiffBack = await decodePhoto(tiff)
    expect(tiffBack.pixels.bitDepth).toBe(16)
    expect(tiffBack.metadata.iccDescription).toBe('Display P3')
    expect(maxDifference(tiffBack.pixels.data, deep.pixels.data)).toBeLessThanOrEqual(2 * 257)
    const jpeg = await target('deep.jpg')
    await encodePhoto(deep.pixels, deep.metadata, jpeg, { format: 'jpeg', bitDepth: 16 })
    expect((await sharp(jpeg).metadata()).depth).toBe('uchar')
    const png8 = await target('deep8.png')
    await encodePhoto(deep.pixels, deep.metadata, png8, { format: 'png', bitDepth: 8 })
    const png8Back = await decodePhoto(png8)
    expect(png8Back.pixels.bitDepth).toBe(8)
    PATCHES.forEach((rgb, i) => {
      pixel(png8Back.pixels, i * 16 + 8, 8).forEach((v, c) => expect(Math.abs(v - rgb[c]!)).toBeLessThanOrEqual(2))
    })
  })

  it('keeps the alpha channel of an RGBA PNG exactly, and JPEG shows it over white', async () => {
    const rgba = await decodePhoto(f.alphaPng)
    const file = await target('alpha.png')
    await encodePhoto(rgba.pixels, rgba.metadata, file, { format: 'png' })
    expect((await decodePhoto(file)).pixels.data).toEqual(f.alphaPixels)
    const jpeg = await target('alpha.jpg')
    await encodePhoto(rgba.pixels, rgba.metadata, jpeg, { format: 'jpeg', quality: 100 })
    const flat = await decodePhoto(jpeg)
    expect(flat.pixels.channels).toBe(3)
    expect(Math.min(...pixel(flat.pixels, 0, 0))).toBeGreaterThan(240) // fully transparent → white
  })
})

describe('writing safely', () => {
  let photo: DecodedPhoto
  beforeAll(async () => {
    photo = await decodePhoto(f.untaggedPng)
  })

  it('replaces an existing result completely and leaves no temp file', async () => {
    const file = await target('result.png')
    await writeFile(file, 'an older export')
    await encodePhoto(photo.pixels, photo.metadata, file, { format: 'png' })
    expect((await sharp(file).metadata()).format).toBe('png')
    expect(await readdir(join(file, '..'))).toEqual(['result.png'])
  })

  it('refuses to write over an original, also through a symlink or a hard link, and leaves it untouched', async () => {
    const original = join(dir, 'original.png')
    await writeFile(original, await readFile(f.untaggedPng))
    const before = await readFile(original)
    const viaSymlink = join(dir, 'shortcut.png')
    await symlink(original, viaSymlink)
    const viaHardLink = join(dir, 'hardlink.png')
    await link(original, viaHardLink)
    for (const path of [original, join(dir, '.', 'original.png'), viaSymlink, viaHardLink]) {
      const error = encodePhoto(photo.pixels, photo.metadata, path, { format: 'png', inputPaths: [original] })
      await expect(error).rejects.toMatchObject({ code: 'would-overwrite-input', file: path })
    }
    expect(await readFile(original)).toEqual(before)
  })

  it('leaves no temp file and no result when the write fails at the last step', async () => {
    const file = await target('taken.png')
    await mkdir(file) // a folder of that name: the final rename fails
    await expect(encodePhoto(photo.pixels, photo.metadata, file, { format: 'png' })).rejects.toMatchObject({ code: 'write-failed', file })
    expect(await readdir(join(file, '..'))).toEqual(['taken.png'])
    expect(await readdir(file)).toEqual([])
  })

  it('says the folder does not exist when its parent is a file', async () => {
    const parent = await target('not-a-folder')
    await writeFile(parent, 'x')
    const file = join(parent, 'result.png')
    await expect(encodePhoto(photo.pixels, photo.metadata, file, { format: 'png' })).rejects.toMatchObject({ code: 'no-folder', file })
  })

  // root ignores permission bits; the EACCES/EROFS mapping itself is covered in images-errors.test.ts
  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')('says a read-only folder is read-only', async () => {
    const file = await target('result.png')
    const { chmod } = await import('node:fs/promises')
    await chmod(join(file, '..'), 0o555)
    try {
      await expect(encodePhoto(photo.pixels, photo.metadata, file, { format: 'png' })).rejects.toMatchObject({ code: 'read-only', file })
    } finally {
      await chmod(join(file, '..'), 0o755)
    }
  })

  it('writes nothing when the pixels cannot be encoded or the request is wrong', async () => {
    const file = await target('wide.jpg')
    // JPEG holds at most 65535 pixels per side
    const wide: PixelBuffer = { width: 70_000, height: 1, channels: 3, bitDepth: 8, data: new Uint8Array(70_000 * 3) }
    await expect(encodePhoto(wide, { orientation: 1 }, file, { format: 'jpeg' })).rejects.toMatchObject({ code: 'encode-failed', file })
    const short: PixelBuffer = { ...photo.pixels, data: photo.pixels.data.subarray(1) }
    await expect(encodePhoto(short, photo.metadata, file, { format: 'png' })).rejects.toMatchObject({ code: 'invalid-pixels' })
    await expect(encodePhoto(photo.pixels, photo.metadata, file, { format: 'jpeg', quality: 0 })).rejects.toMatchObject({ code: 'invalid-options' })
    expect(await readdir(join(file, '..'))).toEqual([])
  })
})
