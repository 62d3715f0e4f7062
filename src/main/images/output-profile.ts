/**
 * The colour profile a result is written in. The working space is sRGB; a photo that came
 * with another RGB profile (Display P3, Adobe RGB, …) is converted back into it and keeps
 * it, so a wide-gamut original stays tagged as such. Untagged, sRGB, CMYK and greyscale
 * sources are written as sRGB: the pixels are RGB now, and CMYK is a print space.
 */
import sharp from 'sharp'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PixelBuffer } from '../../shared/domain.ts'
import { iccColourSpace, isSrgbProfile } from './icc-profile.ts'

export interface OutputProfile {
  icc: Buffer
  /** false when the pixels are already in this profile (sRGB) */
  needsConversion: boolean
}

let srgbProfile: Promise<Buffer> | undefined

/** libvips' own sRGB profile, the one it converts into when decoding. */
export function srgbIcc(): Promise<Buffer> {
  srgbProfile ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#000000' } })
    .withIccProfile('srgb')
    .png()
    .toBuffer()
    .then(async (png) => {
      const { icc } = await sharp(png).metadata()
      if (icc === undefined) throw new Error('sharp has no built-in sRGB profile')
      return icc
    })
  return srgbProfile
}

export async function outputProfile(sourceIcc: Buffer | undefined): Promise<OutputProfile> {
  if (sourceIcc !== undefined && iccColourSpace(sourceIcc) === 'RGB') {
    // an sRGB profile is the working space itself: keep its bytes, leave the pixels alone
    return { icc: sourceIcc, needsConversion: !isSrgbProfile(sourceIcc) }
  }
  return { icc: await srgbIcc(), needsConversion: false }
}

/**
 * Converts sRGB pixels into the profile `icc`, at their own bit depth. Alpha is copied
 * from the input afterwards so it stays exact whatever the colour transform does to it.
 */
export async function convertToProfile(pixels: PixelBuffer, icc: Buffer): Promise<PixelBuffer> {
  const folder = await mkdtemp(join(tmpdir(), 'fidediff-icc-'))
  try {
    // sharp's withIccProfile takes a file path, not bytes
    const profilePath = join(folder, 'output.icc')
    await writeFile(profilePath, icc)
    const { width, height, channels } = pixels
    const sixteen = pixels.bitDepth === 16
    let image = sharp(pixels.data, { raw: { width, height, channels }, limitInputPixels: false })
    // sharp assumes untagged 16-bit RGB is Display P3 (pipeline.cc "processingProfile");
    // a float linear pipeline makes it treat the pixels as the sRGB they are
    if (sixteen) image = image.pipelineColourspace('scrgb')
    const data = await image
      .toColourspace(sixteen ? 'rgb16' : 'srgb')
      .withIccProfile(profilePath, { attach: false })
      .raw({ depth: sixteen ? 'ushort' : 'uchar' })
      .toBuffer()
    const converted = sixteen
      ? new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length))
      : new Uint8Array(data.buffer, data.byteOffset, data.length)
    if (converted.length !== pixels.data.length) throw new Error('the colour conversion changed the pixel layout')
    if (channels === 4) {
      for (let i = 3; i < converted.length; i += 4) converted[i] = pixels.data[i]!
    }
    return { ...pixels, data: converted }
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}
