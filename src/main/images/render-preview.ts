/** Small upright sRGB JPEGs of a photo file for the UI (file lists, the viewer before decoding). */
import { PhotoError, decodeErrorToPhotoError } from './photo-error.ts'
import { checkedPixelLimit, inWorkingSpace, openPhoto, readHeader, readPhotoFile } from './decode-photo.ts'

/** JPEG quality of previews: a screen-size image, not an export */
const PREVIEW_QUALITY = 85
/** transparent areas are shown over white, as image viewers do for JPEG-only targets */
const PREVIEW_BACKGROUND = '#ffffff'

export async function renderPreview(path: string, maxEdge: number, options: { pixelLimit?: number } = {}): Promise<Buffer> {
  if (!Number.isInteger(maxEdge) || maxEdge < 1) {
    throw new PhotoError(path, 'invalid-options', `the preview size must be a positive whole number of pixels (got ${maxEdge})`)
  }
  const pixelLimit = checkedPixelLimit(path, options.pixelLimit)
  const bytes = await readPhotoFile(path)
  const meta = await readHeader(path, bytes, pixelLimit)
  try {
    let image = openPhoto(bytes, meta, pixelLimit).resize({
      width: maxEdge,
      height: maxEdge,
      fit: 'inside',
      withoutEnlargement: true,
    })
    if (meta.hasAlpha) image = image.flatten({ background: PREVIEW_BACKGROUND })
    return await inWorkingSpace(image, meta, false).jpeg({ quality: PREVIEW_QUALITY }).toBuffer()
  } catch (err) {
    throw decodeErrorToPhotoError(path, err, bytes.subarray(0, 16))
  }
}
