/** Which photo formats we read and write, by file extension and by signature. */
import { extname } from 'node:path'

export type OutputFormat = 'jpeg' | 'png' | 'tiff' | 'webp' | 'avif'
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['jpeg', 'png', 'tiff', 'webp', 'avif']

const OUTPUT_BY_EXTENSION: Readonly<Record<string, OutputFormat>> = {
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.png': 'png',
  '.tif': 'tiff',
  '.tiff': 'tiff',
  '.webp': 'webp',
  '.avif': 'avif',
}

const EXTENSION_BY_FORMAT: Readonly<Record<OutputFormat, string>> = {
  jpeg: '.jpg',
  png: '.png',
  tiff: '.tif',
  webp: '.webp',
  avif: '.avif',
}

/** Extensions we try to decode. HEIC/HEIF are listed so the user gets a clear message
 * ("no HEVC decoder") instead of the file being silently skipped. */
const DECODABLE_EXTENSIONS = new Set([...Object.keys(OUTPUT_BY_EXTENSION), '.jpe', '.gif', '.heic', '.heif'])

export function formatFromPath(path: string): OutputFormat | null {
  return OUTPUT_BY_EXTENSION[extname(path).toLowerCase()] ?? null
}

export function extensionFor(format: OutputFormat): string {
  return EXTENSION_BY_FORMAT[format]
}

export function isSupportedPhotoPath(path: string): boolean {
  return DECODABLE_EXTENSIONS.has(extname(path).toLowerCase())
}

function startsWith(head: Uint8Array, bytes: readonly number[], at = 0): boolean {
  return bytes.every((byte, i) => head[at + i] === byte)
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0))

/** True when the first bytes carry the signature of an image format we read. */
export function looksLikeImage(head: Uint8Array): boolean {
  return (
    startsWith(head, [0xff, 0xd8, 0xff]) || // JPEG
    startsWith(head, [0x89, 0x50, 0x4e, 0x47]) || // PNG
    startsWith(head, ascii('GIF8')) ||
    startsWith(head, ascii('II*\0')) ||
    startsWith(head, ascii('MM\0*')) ||
    (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) ||
    startsWith(head, ascii('ftyp'), 4) // ISO-BMFF: AVIF, HEIC
  )
}
