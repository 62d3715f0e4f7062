import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { OUTPUT_FORMATS, extensionFor, formatFromPath, isSupportedPhotoPath } from '../../src/main/images/index.ts'
import { iccColourSpace, iccDescription, isSrgbProfile } from '../../src/main/images/icc-profile.ts'
import { withExifOrientation, withXmpOrientation } from '../../src/main/images/photo-metadata.ts'
import { srgbIcc } from '../../src/main/images/output-profile.ts'
import { DISPLAY_P3_DESCRIPTION, displayP3Icc } from '../fixtures/display-p3-icc.ts'

describe('file types in open and save dialogs', () => {
  it('knows the output format of an extension, in any case', () => {
    expect(formatFromPath('/a/B.JPG')).toBe('jpeg')
    expect(formatFromPath('x.jpeg')).toBe('jpeg')
    expect(formatFromPath('x.tif')).toBe('tiff')
    expect(formatFromPath('x.TIFF')).toBe('tiff')
    expect(formatFromPath('x.webp')).toBe('webp')
    expect(formatFromPath('x.avif')).toBe('avif')
    expect(formatFromPath('x.gif')).toBeNull()
    expect(formatFromPath('x.heic')).toBeNull()
    expect(formatFromPath('jpg')).toBeNull()
  })

  it('gives every output format an extension that maps back to it', () => {
    for (const format of OUTPUT_FORMATS) expect(formatFromPath(`photo${extensionFor(format)}`)).toBe(format)
    expect(extensionFor('jpeg')).toBe('.jpg')
  })

  it('lists GIF and HEIC among the photos to open, but not text or raw files', () => {
    for (const name of ['a.jpg', 'a.PNG', 'a.gif', 'a.heic', 'a.HEIF', 'a.avif', 'a.tif']) expect(isSupportedPhotoPath(name)).toBe(true)
    for (const name of ['a.txt', 'a.cr2', 'a.svg', 'jpg', 'a.jpg.part']) expect(isSupportedPhotoPath(name)).toBe(false)
  })
})

describe('colour profile names shown to the user', () => {
  it('reads the name of a v4 profile and of sharp\'s sRGB profile', async () => {
    expect(iccColourSpace(displayP3Icc())).toBe('RGB')
    expect(iccDescription(displayP3Icc())).toBe(DISPLAY_P3_DESCRIPTION)
    expect(isSrgbProfile(displayP3Icc())).toBe(false)
    const srgb = await srgbIcc()
    expect(iccDescription(srgb)).toMatch(/^sRGB/)
    expect(isSrgbProfile(srgb)).toBe(true)
  })

  it('gives no name for garbage or a cut-off profile instead of throwing', () => {
    expect(iccDescription(new Uint8Array(300).fill(7))).toBeUndefined()
    expect(iccDescription(displayP3Icc().subarray(0, 200))).toBeUndefined()
    expect(iccColourSpace(new Uint8Array(10))).toBeUndefined()
  })
})

describe('orientation written with upright pixels', () => {
  it('sets EXIF orientation to 1 and changes nothing else in the block', async () => {
    const jpeg = await sharp({ create: { width: 4, height: 2, channels: 3, background: '#888' } })
      .withMetadata({ orientation: 8 })
      .withExifMerge({ IFD0: { Make: 'FideCam' } })
      .jpeg()
      .toBuffer()
    const { exif } = await sharp(jpeg).metadata()
    const patched = withExifOrientation(exif!, 1)
    const changed = [...patched].flatMap((byte, i) => (byte === exif![i] ? [] : [i]))
    expect(changed).toHaveLength(1)
    expect(patched[changed[0]!]).toBe(1)
    expect(exif![changed[0]!]).toBe(8)
  })

  it('handles big-endian EXIF and leaves unparseable blocks alone', () => {
    // "MM", 42, IFD0 at 8, one entry: Orientation SHORT 1 = 6
    const big = Buffer.from([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0])
    expect(withExifOrientation(big, 1).readUInt16BE(18)).toBe(1)
    const junk = Buffer.from('not exif at all')
    expect(withExifOrientation(junk, 1)).toEqual(junk)
  })

  it('sets tiff:Orientation in XMP, as attribute or element', () => {
    expect(withXmpOrientation('<d tiff:Orientation="6" x="6"/>', 1)).toBe('<d tiff:Orientation="1" x="6"/>')
    expect(withXmpOrientation('<tiff:Orientation>8</tiff:Orientation>', 1)).toBe('<tiff:Orientation>1</tiff:Orientation>')
  })
})
