/**
 * Photo → upright pixels in the sRGB working space, with the metadata kept aside
 * (DESIGN "Data flow": file → images.decode (oriented, sRGB, metadata kept aside)).
 */
import sharp from 'sharp'
import type { Metadata, Sharp } from 'sharp'
import { readFile } from 'node:fs/promises'
import type { PixelBuffer } from '../../shared/domain.ts'
import { PhotoError, decodeErrorToPhotoError, readErrorToPhotoError } from './photo-error.ts'
import { isSrgbProfile } from './icc-profile.ts'
import { photoMetadataFrom, type PhotoMetadata } from './photo-metadata.ts'

/**
 * 200 megapixels: above the largest camera sensors (150 MP medium format), so every real
 * photo opens, while a decompression bomb (a tiny file whose header claims gigapixels) is
 * refused before anything is allocated. 200 MP is already 800 MB as 8-bit RGBA and 1.6 GB
 * at 16 bits, before the engine's ×2 upsampling (seed §A). sharp's own default is 268 MP.
 */
export const DEFAULT_PIXEL_LIMIT = 200_000_000

export interface DecodedPhoto {
  path: string
  /** the input format: jpeg, png, tiff, webp, avif, heif or gif */
  format: string
  /** upright, sRGB working space, 8 or 16 bit, RGB or RGBA */
  pixels: PixelBuffer
  metadata: PhotoMetadata
}

export interface DecodeOptions {
  /** refuse photos with more pixels than this (width × height) */
  pixelLimit?: number
}

/** Formats the app opens; sharp's build could read more (SVG, …) but those are not photos. */
const PHOTO_FORMATS = new Set(['jpeg', 'png', 'tiff', 'webp', 'heif', 'gif'])

export async function decodePhoto(path: string, options: DecodeOptions = {}): Promise<DecodedPhoto> {
  const pixelLimit = checkedPixelLimit(path, options.pixelLimit)
  const bytes = await readPhotoFile(path)
  const meta = await readHeader(path, bytes, pixelLimit)
  const sixteen = isSixteenBit(meta)
  try {
    const { data, info } = await inWorkingSpace(openPhoto(bytes, meta, pixelLimit), meta, sixteen)
      .raw({ depth: sixteen ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true })
    if (info.channels !== 3 && info.channels !== 4) {
      throw new PhotoError(path, 'unsupported', `the photo decodes to ${info.channels} channels; only RGB and RGBA are supported`)
    }
    const pixels: PixelBuffer = {
      width: info.width,
      height: info.height,
      channels: info.channels,
      bitDepth: sixteen ? 16 : 8,
      data: sixteen ? uint16View(data) : new Uint8Array(data.buffer, data.byteOffset, data.length),
    }
    return { path, format: formatName(meta), pixels, metadata: photoMetadataFrom(meta) }
  } catch (err) {
    if (err instanceof PhotoError) throw err
    throw decodeErrorToPhotoError(path, err, bytes.subarray(0, 16))
  }
}

/**
 * Reads the header (sharp's metadata(): no pixels decoded) and refuses what we cannot or
 * should not decode. Shared by decodePhoto and renderPreview.
 */
export async function readHeader(path: string, bytes: Buffer, pixelLimit: number): Promise<Metadata> {
  let meta: Metadata
  try {
    meta = await sharp(bytes, { failOn: 'error', limitInputPixels: pixelLimit }).metadata()
  } catch (err) {
    const error = decodeErrorToPhotoError(path, err, bytes.subarray(0, 16))
    if (error.code === 'too-many-pixels') throw await tooManyPixels(path, bytes, pixelLimit, err)
    throw error
  }
  if (!PHOTO_FORMATS.has(meta.format)) {
    const problem = `${String(meta.format).toUpperCase()} files are not supported; open a JPEG, PNG, TIFF, WebP, AVIF or GIF photo`
    throw new PhotoError(path, 'unsupported', problem)
  }
  return meta
}

/** The whole file in memory: sharp then never holds the original open (nor caches it by name). */
export async function readPhotoFile(path: string): Promise<Buffer> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'code' in err && err.code === 'ERR_FS_FILE_TOO_LARGE') {
      throw new PhotoError(path, 'too-many-pixels', 'the file is too large to open (over 2 GB)', { cause: err })
    }
    throw readErrorToPhotoError(path, err)
  }
  if (bytes.length === 0) throw new PhotoError(path, 'empty', 'the file is empty (0 bytes)')
  return bytes
}

export function checkedPixelLimit(path: string, pixelLimit: number | undefined): number {
  const limit = pixelLimit ?? DEFAULT_PIXEL_LIMIT
  if (!Number.isInteger(limit) || limit < 1) {
    throw new PhotoError(path, 'invalid-options', `the pixel limit must be a positive whole number (got ${limit})`)
  }
  return limit
}

/** A sharp pipeline over the photo's bytes: upright, failing on damaged data. */
export function openPhoto(bytes: Buffer, meta: Metadata, pixelLimit: number): Sharp {
  return sharp(bytes, { failOn: 'error', limitInputPixels: pixelLimit, autoOrient: true, ignoreIcc: isSrgbProfile(meta.icc) })
}

export function isSixteenBit(meta: Metadata): boolean {
  return meta.depth !== 'uchar' && meta.depth !== 'char'
}

/**
 * Converts to the sRGB working space at the given depth: an embedded profile (Display P3,
 * Adobe RGB, CMYK, …) is applied, greyscale becomes RGB, alpha stays a 4th channel.
 */
export function inWorkingSpace(image: Sharp, meta: Metadata, sixteen: boolean): Sharp {
  // sharp converts a 16-bit RGB photo's embedded profile to Display P3, not sRGB
  // (its pipeline.cc "processingProfile"); finish the trip to sRGB ourselves.
  const p3Processing = meta.hasProfile && meta.space === 'rgb16' && !isSrgbProfile(meta.icc)
  const converted = image.toColourspace(sixteen ? 'rgb16' : 'srgb')
  return p3Processing ? converted.withIccProfile('srgb', { attach: false }) : converted
}

function formatName(meta: Metadata): string {
  if (meta.format === 'heif') return meta.compression === 'hevc' ? 'heif' : 'avif'
  return meta.format
}

function uint16View(data: Buffer): Uint16Array {
  // a Uint16Array needs an even byte offset; sharp's output buffers start at 0, but be sure
  const aligned = data.byteOffset % 2 === 0 ? data : Buffer.from(data)
  return new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2)
}

function pixelCount(pixels: number): string {
  return pixels >= 1e6 ? `${+(pixels / 1e6).toFixed(1)} MP` : `${pixels} pixels`
}

async function tooManyPixels(path: string, bytes: Buffer, pixelLimit: number, cause: unknown): Promise<PhotoError> {
  const limit = pixelCount(pixelLimit)
  try {
    const { width, height } = await sharp(bytes, { limitInputPixels: false }).metadata()
    const problem = `the photo is ${width} × ${height} pixels (${pixelCount(width * height)}), more than the ${limit} that can be opened safely`
    return new PhotoError(path, 'too-many-pixels', problem, { cause })
  } catch {
    return new PhotoError(path, 'too-many-pixels', `the photo has more than the ${limit} that can be opened safely`, { cause })
  }
}
