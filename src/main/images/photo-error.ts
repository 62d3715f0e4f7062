/**
 * One error type for everything that can go wrong reading or writing a photo. The message
 * always starts with the file's name and says what is wrong in the user's words; `code` is
 * for the UI and the CLI to branch on, `file` holds the full path.
 */
import { basename } from 'node:path'
import { looksLikeImage } from './formats.ts'

export const PHOTO_ERROR_CODES = [
  'not-found',
  'unreadable',
  'empty',
  'not-an-image',
  'truncated',
  'too-many-pixels',
  'unsupported',
  'decode-failed',
  'invalid-pixels',
  'invalid-options',
  'encode-failed',
  'would-overwrite-input',
  'no-folder',
  'no-space',
  'read-only',
  'write-failed',
] as const
export type PhotoErrorCode = (typeof PHOTO_ERROR_CODES)[number]

export class PhotoError extends Error {
  override readonly name = 'PhotoError'
  readonly file: string
  readonly code: PhotoErrorCode

  constructor(file: string, code: PhotoErrorCode, problem: string, options?: { cause?: unknown }) {
    super(`${basename(file)}: ${problem}`, options)
    this.file = file
    this.code = code
  }
}

function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code
  return undefined
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error'
}

/** A failure to read the input file itself (before any decoding). */
export function readErrorToPhotoError(file: string, err: unknown): PhotoError {
  const code = errnoCode(err)
  if (code === 'ENOENT' || code === 'ENOTDIR') return new PhotoError(file, 'not-found', 'the file does not exist', { cause: err })
  if (code === 'EISDIR') return new PhotoError(file, 'not-an-image', 'this is a folder, not a photo', { cause: err })
  if (code === 'EACCES' || code === 'EPERM') {
    return new PhotoError(file, 'unreadable', 'permission denied: the file cannot be read', { cause: err })
  }
  return new PhotoError(file, 'unreadable', `the file cannot be read (${code ?? firstLine(err)})`, { cause: err })
}

const HEVC_MISSING = /HEVC|compression format has not been built in|no decoding plugin/i
const TRUNCATED =
  /premature end|truncat|corrupt|read error|unexpected end|bad seek|out of data|not enough data|unable to parse|end of file|short read/i

/**
 * Maps a sharp/libvips decode error to a PhotoError. `head` (the file's first bytes) tells
 * a damaged photo ("truncated") from something that never was one ("not-an-image"):
 * libvips reports both as an unsupported format when the header itself is cut.
 */
export function decodeErrorToPhotoError(file: string, err: unknown, head: Uint8Array): PhotoError {
  const message = err instanceof Error ? err.message : String(err)
  if (/exceeds pixel limit/i.test(message)) {
    return new PhotoError(file, 'too-many-pixels', 'the photo has too many pixels to open safely', { cause: err })
  }
  if (HEVC_MISSING.test(message)) {
    return new PhotoError(
      file,
      'unsupported',
      'HEIC/HEVC photos cannot be decoded: this build of the image library has no HEVC decoder (convert the photo to JPEG or AVIF first)',
      { cause: err },
    )
  }
  if (/buffer is empty/i.test(message)) return new PhotoError(file, 'empty', 'the file is empty (0 bytes)', { cause: err })
  if (/unsupported image format/i.test(message)) {
    return looksLikeImage(head)
      ? new PhotoError(file, 'truncated', 'the file is truncated or corrupt', { cause: err })
      : new PhotoError(file, 'not-an-image', 'the file is not a photo in a format we can read', { cause: err })
  }
  if (TRUNCATED.test(message)) return new PhotoError(file, 'truncated', 'the file is truncated or corrupt', { cause: err })
  return new PhotoError(file, 'decode-failed', `the photo could not be decoded (${firstLine(err)})`, { cause: err })
}

/** Maps a file-system error while writing `target` (or its temp file) to a PhotoError. */
export function writeErrorToPhotoError(target: string, err: unknown): PhotoError {
  if (err instanceof PhotoError) return err
  const code = errnoCode(err)
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new PhotoError(target, 'no-space', 'there is not enough disk space to save the photo', { cause: err })
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return new PhotoError(target, 'read-only', 'the folder is read-only or you do not have permission to write there', {
        cause: err,
      })
    case 'ENOENT':
    case 'ENOTDIR':
      return new PhotoError(target, 'no-folder', 'the folder to save into does not exist', { cause: err })
    case 'EISDIR':
      return new PhotoError(target, 'write-failed', 'a folder with this name is in the way', { cause: err })
    default:
      return new PhotoError(target, 'write-failed', `the photo could not be saved (${code ?? firstLine(err)})`, { cause: err })
  }
}

/** Maps a sharp encode failure (e.g. a photo too large for the format) to a PhotoError. */
export function encodeErrorToPhotoError(target: string, format: string, err: unknown): PhotoError {
  if (err instanceof PhotoError) return err
  return new PhotoError(target, 'encode-failed', `the photo could not be encoded as ${format.toUpperCase()} (${firstLine(err)})`, {
    cause: err,
  })
}
