import { describe, expect, it } from 'vitest'
import {
  PhotoError,
  decodeErrorToPhotoError,
  readErrorToPhotoError,
  writeErrorToPhotoError,
} from '../../src/main/images/photo-error.ts'

const fsError = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: failed`), { code })
const JPEG_HEAD = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46])
const TEXT_HEAD = new TextEncoder().encode('Shopping list')

describe('what the user is told when saving fails', () => {
  it.each([
    ['EROFS', 'read-only', /read-only/],
    ['EACCES', 'read-only', /permission/],
    ['EPERM', 'read-only', /permission/],
    ['ENOSPC', 'no-space', /not enough disk space/],
    ['EDQUOT', 'no-space', /not enough disk space/],
    ['ENOENT', 'no-folder', /folder .* does not exist/],
    ['ENOTDIR', 'no-folder', /folder .* does not exist/],
    ['EIO', 'write-failed', /EIO/],
  ] as const)('%s → %s, naming the file', (errno, code, words) => {
    const error = writeErrorToPhotoError('/photos/out/result.jpg', fsError(errno))
    expect(error).toBeInstanceOf(PhotoError)
    expect(error.code).toBe(code)
    expect(error.file).toBe('/photos/out/result.jpg')
    expect(error.message).toMatch(/^result\.jpg: /)
    expect(error.message).toMatch(words)
  })

  it('passes a PhotoError through unchanged', () => {
    const original = new PhotoError('/a.png', 'would-overwrite-input', 'no')
    expect(writeErrorToPhotoError('/b.png', original)).toBe(original)
  })
})

describe('what the user is told when opening fails', () => {
  it('tells a missing file from an unreadable one and a folder', () => {
    expect(readErrorToPhotoError('/p/a.jpg', fsError('ENOENT')).code).toBe('not-found')
    expect(readErrorToPhotoError('/p/a.jpg', fsError('EACCES')).message).toBe('a.jpg: permission denied: the file cannot be read')
    expect(readErrorToPhotoError('/p/a.jpg', fsError('EISDIR')).code).toBe('not-an-image')
  })

  it('calls a cut-off photo truncated and a text file not a photo, though libvips says the same of both', () => {
    const libvips = new Error('Input buffer contains unsupported image format')
    expect(decodeErrorToPhotoError('/p/cut.jpg', libvips, JPEG_HEAD).code).toBe('truncated')
    expect(decodeErrorToPhotoError('/p/notes.jpg', libvips, TEXT_HEAD).code).toBe('not-an-image')
  })

  it.each([
    ['VipsJpeg: premature end of JPEG image', 'truncated'],
    ['vipspng: libpng read error', 'truncated'],
    ['Input image exceeds pixel limit', 'too-many-pixels'],
    ['heif: Support for this compression format has not been built in: HEVC', 'unsupported'],
    ['something new and strange\nsecond line', 'decode-failed'],
  ] as const)('"%s" → %s', (message, code) => {
    const error = decodeErrorToPhotoError('/p/photo.jpg', new Error(message), JPEG_HEAD)
    expect(error.code).toBe(code)
    expect(error.message.startsWith('photo.jpg: ')).toBe(true)
    expect(error.message).not.toContain('second line')
  })
})
