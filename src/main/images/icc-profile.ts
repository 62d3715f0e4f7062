/**
 * Just enough of the ICC profile format (ICC.1:2010 §7) to tell the user which colour
 * profile a photo carries and to decide whether its pixels can be converted back to it.
 * Malformed profiles never throw: the answer is then simply unknown.
 */

/** The profile's data colour space from the header: 'RGB', 'CMYK', 'GRAY', … */
export function iccColourSpace(icc: Uint8Array): string | undefined {
  if (icc.length < 128 || latin1(icc, 36, 4) !== 'acsp') return undefined
  return latin1(icc, 16, 4).trim()
}

/** The profile's description tag ('desc'), e.g. "Display P3" or "sRGB IEC61966-2.1". */
export function iccDescription(icc: Uint8Array): string | undefined {
  if (iccColourSpace(icc) === undefined || icc.length < 132) return undefined
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength)
  const tagCount = view.getUint32(128)
  for (let i = 0; i < tagCount && 132 + (i + 1) * 12 <= icc.length; i++) {
    const entry = 132 + i * 12
    if (latin1(icc, entry, 4) !== 'desc') continue
    const offset = view.getUint32(entry + 4)
    const size = view.getUint32(entry + 8)
    if (offset + size > icc.length || size < 12) return undefined
    const text = readText(icc.subarray(offset, offset + size))
    return text === undefined || text === '' ? undefined : text
  }
  return undefined
}

/** Reads a v2 'desc' (textDescriptionType) or v4 'mluc' (multiLocalizedUnicodeType) tag. */
function readText(tag: Uint8Array): string | undefined {
  const view = new DataView(tag.buffer, tag.byteOffset, tag.byteLength)
  const type = latin1(tag, 0, 4)
  if (type === 'desc') {
    const count = view.getUint32(8)
    if (12 + count > tag.length) return undefined
    return latin1(tag, 12, count).replace(/\0+$/, '').trim()
  }
  if (type === 'mluc') {
    const records = view.getUint32(8)
    const recordSize = view.getUint32(12)
    if (records === 0 || recordSize < 12 || 16 + records * recordSize > tag.length) return undefined
    // prefer English, otherwise the first record
    let chosen = 16
    for (let i = 0; i < records; i++) {
      if (latin1(tag, 16 + i * recordSize, 2) === 'en') {
        chosen = 16 + i * recordSize
        break
      }
    }
    const length = view.getUint32(chosen + 4)
    const offset = view.getUint32(chosen + 8)
    if (offset + length > tag.length) return undefined
    return utf16be(tag.subarray(offset, offset + length)).replace(/\0+$/, '').trim()
  }
  return undefined
}

/** A description longer than this is not a name a user could read anyway. */
const MAX_TEXT = 256

function latin1(bytes: Uint8Array, start: number, length: number): string {
  let text = ''
  for (let i = start; i < Math.min(start + length, start + MAX_TEXT, bytes.length); i++) text += String.fromCharCode(bytes[i]!)
  return text
}

function utf16be(bytes: Uint8Array): string {
  let text = ''
  for (let i = 0; i + 1 < Math.min(bytes.length, 2 * MAX_TEXT); i += 2) text += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!)
  return text
}

/**
 * True for an RGB profile that names itself sRGB ("sRGB IEC61966-2.1", "sRGB built-in", …):
 * its pixels already are the working space, so no colour transform is applied to them
 * either way — which keeps 8- and 16-bit values exact through decode and encode.
 */
export function isSrgbProfile(icc: Uint8Array | undefined): boolean {
  return icc !== undefined && iccColourSpace(icc) === 'RGB' && /^sRGB\b/i.test(iccDescription(icc) ?? '')
}
