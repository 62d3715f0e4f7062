/**
 * A lossless PNG that carries decoded pixels together with the original metadata bytes.
 *
 * Why: sharp only writes EXIF as string key/values and only attaches an ICC profile by
 * transforming the pixels into it. Raw pixels carry neither. A PNG with the original eXIf
 * and iCCP chunks is an input from which sharp *keeps* both as they are (keepExif,
 * keepIccProfile) while it encodes any output format — so the EXIF block survives
 * byte-for-byte and the profile is attached without a second colour transform.
 */
import sharp from 'sharp'
import { crc32, deflateSync } from 'node:zlib'
import type { PixelBuffer } from '../../shared/domain.ts'
import { exifTiffData } from './photo-metadata.ts'

export interface CarriedMetadata {
  /** the profile the pixels are already encoded in */
  icc?: Buffer
  /** an EXIF block (with or without the "Exif\0\0" prefix) */
  exif?: Buffer
  /** pixels per inch */
  density?: number
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
/** chunks the carrier keeps from sharp's own PNG: the pixels and the structure, nothing else */
const CRITICAL = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND'])

export async function pngCarrier(pixels: PixelBuffer, carried: CarriedMetadata): Promise<Buffer> {
  const { width, height, channels } = pixels
  const png = await sharp(pixels.data, { raw: { width, height, channels }, limitInputPixels: false })
    .toColourspace(pixels.bitDepth === 16 ? 'rgb16' : 'srgb')
    // no compression, no filtering: the carrier is decoded again a moment later
    .png({ compressionLevel: 0, adaptiveFiltering: false, palette: false })
    .toBuffer()
  const extra: Buffer[] = []
  if (carried.icc !== undefined) {
    extra.push(chunk('iCCP', Buffer.concat([Buffer.from('icc\0\0', 'latin1'), deflateSync(carried.icc)])))
  }
  if (carried.density !== undefined && carried.density > 0) {
    const perMetre = Math.round(carried.density / 0.0254)
    const phys = Buffer.alloc(9)
    phys.writeUInt32BE(perMetre, 0)
    phys.writeUInt32BE(perMetre, 4)
    phys[8] = 1 // unit: metre
    extra.push(chunk('pHYs', phys))
  }
  if (carried.exif !== undefined) extra.push(chunk('eXIf', exifTiffData(carried.exif)))
  return rebuild(png, extra)
}

/** sharp's PNG with its ancillary chunks replaced by `extra`, placed right after IHDR. */
function rebuild(png: Buffer, extra: Buffer[]): Buffer {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('sharp did not produce a PNG')
  const parts: Buffer[] = [SIGNATURE]
  let at = 8
  while (at + 12 <= png.length) {
    const length = png.readUInt32BE(at)
    const type = png.toString('latin1', at + 4, at + 8)
    const end = at + 12 + length
    if (CRITICAL.has(type)) parts.push(png.subarray(at, end))
    if (type === 'IHDR') parts.push(...extra)
    at = end
  }
  return Buffer.concat(parts)
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0)
  return Buffer.concat([head, data, crc])
}
