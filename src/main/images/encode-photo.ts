/**
 * Pixels + the original's metadata → a photo file, written atomically and never over an
 * input (DESIGN "Data flow": … → images.encode (metadata restored) → atomic write).
 *
 * What is kept (keepMetadata, the default): the EXIF block byte-for-byte with Orientation
 * set to 1 (the pixels are upright), XMP (tiff:Orientation likewise), the density and the
 * colour profile (see output-profile.ts). Limits of sharp/libvips: TIFF output carries no
 * EXIF, and IPTC is not written back for any format (XMP holds the same fields in
 * current software).
 */
import sharp from 'sharp'
import type { Sharp } from 'sharp'
import type { PixelBuffer } from '../../shared/domain.ts'
import { writeFileAtomically, refuseToOverwriteInputs } from './atomic-write.ts'
import { OUTPUT_FORMATS, type OutputFormat } from './formats.ts'
import { PhotoError, encodeErrorToPhotoError } from './photo-error.ts'
import { withExifOrientation, withXmpOrientation, type PhotoMetadata } from './photo-metadata.ts'
import { convertToProfile, outputProfile } from './output-profile.ts'
import { pngCarrier } from './png-carrier.ts'

export interface EncodeOptions {
  format: OutputFormat
  /** 1–100 for JPEG, WebP and AVIF; the format's default otherwise. PNG and TIFF are lossless. */
  quality?: number
  /** keep EXIF, XMP, density and the colour profile (default true); false strips everything */
  keepMetadata?: boolean
  /** the most bits per channel to write: default the source's. PNG and TIFF hold 16; JPEG, WebP and AVIF get 8 */
  bitDepth?: 8 | 16
  /** originals: writing over any of them is refused */
  inputPaths?: string[]
}

const SIXTEEN_BIT_FORMATS: ReadonlySet<OutputFormat> = new Set(['png', 'tiff'])
/** JPEG has no alpha: transparent areas become white, as when printing */
const JPEG_BACKGROUND = '#ffffff'

export async function encodePhoto(
  pixels: PixelBuffer,
  metadata: PhotoMetadata,
  target: string,
  options: EncodeOptions,
): Promise<void> {
  checkOptions(target, options)
  checkPixels(target, pixels)
  await refuseToOverwriteInputs(target, options.inputPaths ?? [])
  let bytes: Buffer
  try {
    bytes = await encodeToBuffer(pixels, withBuffers(metadata), options)
  } catch (err) {
    throw encodeErrorToPhotoError(target, options.format, err)
  }
  await writeFileAtomically(target, bytes)
}

async function encodeToBuffer(pixels: PixelBuffer, metadata: PhotoMetadata, options: EncodeOptions): Promise<Buffer> {
  const { format } = options
  const sixteen = (options.bitDepth ?? pixels.bitDepth) === 16 && SIXTEEN_BIT_FORMATS.has(format)
  let image = options.keepMetadata === false ? rawInput(pixels) : await withMetadata(pixels, metadata)
  if (format === 'jpeg' && pixels.channels === 4) image = image.flatten({ background: JPEG_BACKGROUND })
  image = image.toColourspace(sixteen ? 'rgb16' : 'srgb')
  const quality = options.quality
  switch (format) {
    case 'jpeg':
      return image.jpeg(quality === undefined ? {} : { quality }).toBuffer()
    case 'webp':
      return image.webp(quality === undefined ? {} : { quality }).toBuffer()
    case 'avif':
      return image.avif(quality === undefined ? {} : { quality }).toBuffer()
    case 'png':
      return image.png({ compressionLevel: 6, palette: false }).toBuffer()
    case 'tiff': {
      // sharp's TIFF default is lossy JPEG compression (a result stays lossless), and it
      // writes its own resolution option, not the input's: pass the density on
      const density = options.keepMetadata === false ? undefined : metadata.density
      const resolution = density === undefined ? {} : { xres: density / 25.4, yres: density / 25.4, resolutionUnit: 'inch' as const }
      return image.tiff({ compression: 'deflate', predictor: 'horizontal', ...resolution }).toBuffer()
    }
  }
}

function rawInput(pixels: PixelBuffer): Sharp {
  const { width, height, channels } = pixels
  return sharp(pixels.data, { raw: { width, height, channels }, limitInputPixels: false })
}

/** The pixels in the output profile, in a PNG carrier with EXIF, ICC and density (png-carrier.ts). */
async function withMetadata(pixels: PixelBuffer, metadata: PhotoMetadata): Promise<Sharp> {
  const profile = await outputProfile(metadata.icc)
  const inProfile = profile.needsConversion ? await convertToProfile(pixels, profile.icc) : pixels
  const exif = metadata.exif === undefined ? undefined : withExifOrientation(metadata.exif, 1)
  const carrier = await pngCarrier(inProfile, { icc: profile.icc, exif, density: metadata.density })
  let image = sharp(carrier, { limitInputPixels: false }).keepIccProfile()
  if (exif !== undefined) image = image.keepExif()
  const xmp = metadata.xmp?.toString('utf8').trim()
  if (xmp !== undefined && xmp !== '') image = image.withXmp(withXmpOrientation(xmp, 1))
  return image
}

/** Metadata that crossed a structured clone (IPC, a worker) arrives as Uint8Arrays. */
function withBuffers(metadata: PhotoMetadata): PhotoMetadata {
  const buffer = (bytes: Uint8Array | undefined): Buffer | undefined =>
    bytes === undefined || Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { ...metadata, exif: buffer(metadata.exif), icc: buffer(metadata.icc), xmp: buffer(metadata.xmp), iptc: buffer(metadata.iptc) }
}

function checkOptions(target: string, options: EncodeOptions): void {
  if (!OUTPUT_FORMATS.includes(options.format)) {
    throw new PhotoError(target, 'invalid-options', `cannot save as "${String(options.format)}"; use one of ${OUTPUT_FORMATS.join(', ')}`)
  }
  const { quality, bitDepth } = options
  if (quality !== undefined && (!Number.isInteger(quality) || quality < 1 || quality > 100)) {
    throw new PhotoError(target, 'invalid-options', `quality must be a whole number from 1 to 100 (got ${quality})`)
  }
  if (bitDepth !== undefined && bitDepth !== 8 && bitDepth !== 16) {
    throw new PhotoError(target, 'invalid-options', `bit depth must be 8 or 16 (got ${String(bitDepth)})`)
  }
}

function checkPixels(target: string, pixels: PixelBuffer): void {
  const { width, height, channels, bitDepth, data } = pixels
  const problem = (what: string): PhotoError => new PhotoError(target, 'invalid-pixels', `cannot save these pixels: ${what}`)
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw problem(`the size ${width} × ${height} is not a positive whole number of pixels`)
  }
  if (channels !== 3 && channels !== 4) throw problem(`${String(channels)} channels (expected 3 or 4)`)
  const arrayOk = bitDepth === 16 ? data instanceof Uint16Array : bitDepth === 8 && data instanceof Uint8Array
  if (!arrayOk) throw problem(`${String(bitDepth)}-bit pixels in a ${data.constructor.name}`)
  if (data.length !== width * height * channels) {
    throw problem(`${data.length} values for ${width} × ${height} × ${channels}`)
  }
}
