/**
 * MAXIM-3S converted to ONNX computes what the shipped TF.js model computes (issue 7 target:
 * max abs difference ≤ 1e-3) on real crops of the package's own blurry sample photo, at the
 * smallest tile (64²) and at the default tile (256²). The TF.js side runs on the WASM backend,
 * the runtime the benchmarks compare against. About 1–3 minutes on 2 shared cores.
 */
import * as ort from 'onnxruntime-node'
import sharp from 'sharp'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { convertTfjsGraph } from '../../tools/maxim/convert.ts'
import { maximPackageDir, maximPackageModelJson } from '../../tools/maxim/maxim-package.ts'
import { type TfGraph, readTfjsGraph } from '../../tools/maxim/tfjs-graph.ts'
import { type TfjsMaxim, openTfjsMaxim } from '../../tools/maxim/tfjs-reference.ts'

/** NCHW float crop of the package's blurry street photo (340×340) */
async function sampleCrop(size: number, left: number, top: number): Promise<Float32Array> {
  const { data } = await sharp(join(maximPackageDir(), 'assets', 'fixture.png'))
    .removeAlpha()
    .extract({ left, top, width: size, height: size })
    .raw()
    .toBuffer({ resolveWithObject: true })
  const n = size * size
  const out = new Float32Array(3 * n)
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[c * n + i] = data[i * 3 + c]! / 255
  return out
}

async function runOnnx(graph: TfGraph, image: Float32Array, size: number): Promise<Float32Array> {
  const { bytes } = convertTfjsGraph(graph, { height: size, width: size })
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2 })
  try {
    const out = await session.run({ image: new ort.Tensor('float32', image, [1, 3, size, size]) })
    expect(out['restored']!.dims).toEqual([1, 3, size, size])
    return out['restored']!.data as Float32Array
  } finally {
    await session.release()
  }
}

function maxAbsDiffClamped(onnx: Float32Array, tfjs: Float32Array): number {
  let max = 0
  for (let i = 0; i < onnx.length; i++) max = Math.max(max, Math.abs(onnx[i]! - Math.min(1, Math.max(0, tfjs[i]!))))
  return max
}

/** mean absolute horizontal + vertical gradient of the luminance: higher = sharper */
function sharpness(image: Float32Array, size: number): number {
  const n = size * size
  const lum = (i: number) => 0.299 * image[i]! + 0.587 * image[n + i]! + 0.114 * image[2 * n + i]!
  let sum = 0
  for (let y = 0; y < size - 1; y++)
    for (let x = 0; x < size - 1; x++) {
      const i = y * size + x
      sum += Math.abs(lum(i + 1) - lum(i)) + Math.abs(lum(i + size) - lum(i))
    }
  return sum / ((size - 1) * (size - 1))
}

let graph: TfGraph
let tfjs: TfjsMaxim
beforeAll(async () => {
  graph = await readTfjsGraph(maximPackageModelJson())
  tfjs = await openTfjsMaxim(maximPackageModelJson(), 'wasm')
})
afterAll(() => tfjs?.dispose())

describe('MAXIM-3S in ONNX Runtime matches MAXIM-3S in TF.js', () => {
  it('on a 64×64 crop of a blurry photo: max abs difference ≤ 1e-3', async () => {
    const image = await sampleCrop(64, 140, 150)
    const onnx = await runOnnx(graph, image, 64)
    const reference = await tfjs.run(image, 64, 64)
    expect(tfjs.backend).toBe('wasm')
    expect(maxAbsDiffClamped(onnx, reference)).toBeLessThanOrEqual(1e-3)
  })

  it('on a 256×256 crop: max abs difference ≤ 1e-3, and the result is visibly sharper than the input', async () => {
    const image = await sampleCrop(256, 42, 42)
    const onnx = await runOnnx(graph, image, 256)
    const reference = await tfjs.run(image, 256, 256)
    expect(maxAbsDiffClamped(onnx, reference)).toBeLessThanOrEqual(1e-3)
    expect(onnx.every((v) => v >= 0 && v <= 1)).toBe(true)
    // the street scene is heavily motion-blurred; MAXIM's output has far stronger edges
    expect(sharpness(onnx, 256)).toBeGreaterThan(1.5 * sharpness(image, 256))
  }, 600_000)
})
