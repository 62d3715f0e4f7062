/**
 * The metadata of a photo, kept aside while the pixels are restored and written back with
 * the result: EXIF, ICC, XMP and IPTC as the original bytes, plus what the UI shows.
 */
import type { Metadata } from 'sharp'
import { iccDescription } from './icc-profile.ts'

export interface PhotoMetadata {
  /** the raw EXIF block as sharp reports it ("Exif\0\0" + TIFF structure) */
  exif?: Buffer
  icc?: Buffer
  xmp?: Buffer
  iptc?: Buffer
  /** the ICC profile's description, e.g. "Display P3" */
  iccDescription?: string
  /** the ORIGINAL EXIF orientation (1–8); decoded pixels are already upright */
  orientation: number
  /** pixels per inch, when the file says */
  density?: number
}

export function photoMetadataFrom(meta: Metadata): PhotoMetadata {
  const result: PhotoMetadata = { orientation: meta.orientation ?? 1 }
  if (meta.exif !== undefined && meta.exif.length > 0) result.exif = meta.exif
  if (meta.icc !== undefined && meta.icc.length > 0) {
    result.icc = meta.icc
    const description = iccDescription(meta.icc)
    if (description !== undefined) result.iccDescription = description
  }
  if (meta.xmp !== undefined && meta.xmp.length > 0) result.xmp = meta.xmp
  if (meta.iptc !== undefined && meta.iptc.length > 0) result.iptc = meta.iptc
  if (meta.density !== undefined && meta.density > 0) result.density = meta.density
  return result
}

const EXIF_PREFIX = Buffer.from('Exif\0\0', 'latin1')
const ORIENTATION_TAG = 0x0112
const TYPE_SHORT = 3

/** The TIFF structure inside an EXIF block, without the "Exif\0\0" prefix JPEG uses. */
export function exifTiffData(exif: Buffer): Buffer {
  return exif.subarray(0, 6).equals(EXIF_PREFIX) ? exif.subarray(6) : exif
}

/**
 * A copy of the EXIF block with IFD0's Orientation set to `orientation` — the written pixels
 * are upright, so a kept 6 would make viewers rotate them a second time. Everything else is
 * byte-for-byte the original. A block that cannot be parsed is returned unchanged.
 */
export function withExifOrientation(exif: Buffer, orientation: number): Buffer {
  const copy = Buffer.from(exif)
  const tiff = exifTiffData(copy)
  if (tiff.length < 8) return copy
  const order = tiff.toString('latin1', 0, 2)
  if (order !== 'II' && order !== 'MM') return copy
  const little = order === 'II'
  const u16 = (at: number): number => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at))
  const u32 = (at: number): number => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at))
  if (u16(2) !== 42) return copy
  const ifd0 = u32(4)
  if (ifd0 + 2 > tiff.length) return copy
  const entries = u16(ifd0)
  for (let i = 0; i < entries; i++) {
    const entry = ifd0 + 2 + i * 12
    if (entry + 12 > tiff.length) break
    if (u16(entry) !== ORIENTATION_TAG) continue
    if (u16(entry + 2) === TYPE_SHORT && u32(entry + 4) === 1) {
      if (little) tiff.writeUInt16LE(orientation, entry + 8)
      else tiff.writeUInt16BE(orientation, entry + 8)
    }
    break
  }
  return copy
}

/** XMP can carry the orientation too (tiff:Orientation); keep it consistent with EXIF. */
export function withXmpOrientation(xmp: string, orientation: number): string {
  return xmp
    .replace(/(tiff:Orientation\s*=\s*["'])\d(["'])/g, `$1${orientation}$2`)
    .replace(/(<tiff:Orientation>\s*)\d(\s*<\/tiff:Orientation>)/g, `$1${orientation}$2`)
}
