/**
 * Writes a complete MAXIM-3S model folder (ONNX graph + manifest.json + MODEL_CARD.md) from the
 * installed npm package, following the model contract in src/shared/model-manifest.ts. The
 * folder is assembled next to its destination and renamed into place, so a failed run never
 * leaves a half-written model for the app to find.
 */
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { type ModelManifest, describeManifestIssues, modelManifestSchema } from '../../src/shared/model-manifest.ts'
import { type ConvertStats, INPUT_NAME, OUTPUT_NAME, convertTfjsGraph } from './convert.ts'
import { readTfjsGraph } from './tfjs-graph.ts'

export const MAXIM_MODEL_ID = 'maxim-3s'
export const MAXIM_MULTIPLE = 64

export interface MaximFolderOptions {
  /** the package's models/model.json */
  modelJson: string
  packageName: string
  packageVersion: string
  /** destination folder, e.g. resources/models/maxim-3s */
  outDir: string
  /** fixed tile edge the graph is converted for (multiple of 64) */
  size: number
  /** blend overlap between tiles, model-input pixels */
  overlap: number
}

export interface MaximFolderResult {
  manifest: ModelManifest
  onnxFile: string
  bytes: number
  stats: ConvertStats
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return undefined
  }
}

export function maximManifest(o: MaximFolderOptions, file: string, fileSha: string, modelJsonSha: string): ModelManifest {
  const shape = [1, 3, o.size, o.size]
  const commit = gitCommit()
  const manifest = {
    schemaVersion: 1,
    id: MAXIM_MODEL_ID,
    name: 'MAXIM-3S deblurring (GoPro)',
    version: `${o.packageVersion}+onnx${o.size}`,
    description:
      'MAXIM-3S (multi-axis MLP, 3 stages, 22 M parameters) trained on GoPro motion blur, converted from its TF.js ' +
      `release to ONNX for a fixed ${o.size}×${o.size} tile. Restores only: kernel and timestep overlays come from a FideDiff model.`,
    license: {
      spdx: 'Apache-2.0',
      attribution:
        'MAXIM by Zhengzhong Tu et al. (Google Research, CVPR 2022), weights under Apache-2.0; TF.js conversion from ' +
        `${o.packageName}@${o.packageVersion} by Kevin Scott (MIT); converted to ONNX by FideDiff Studio tools/maxim.`,
      url: 'https://github.com/google-research/maxim',
    },
    provenance: {
      source:
        `npm ${o.packageName}@${o.packageVersion} models/model.json (sha256 ${modelJsonSha}) converted by tools/maxim ` +
        `to ONNX opset 17 for a fixed ${o.size}×${o.size} input, fp32 weights unchanged`,
      data: 'GoPro motion deblurring dataset (Nah et al. 2017), training by the MAXIM authors',
      createdAt: new Date().toISOString(),
      ...(commit ? { commit } : {}),
    },
    kind: 'image-to-image',
    upscale: { factor: 1 },
    // the graph is fixed-size, so every tile must be exactly `size`: multiple = size makes the
    // engine pad border and small-image tiles to it (MAXIM itself only needs multiples of 64)
    tile: { size: o.size, overlap: o.overlap, multiple: o.size },
    stages: [
      {
        id: 'maxim',
        role: 'image_to_image',
        file,
        sha256: fileSha,
        inputs: [{ name: INPUT_NAME, dtype: 'float32', shape }],
        outputs: [{ name: OUTPUT_NAME, dtype: 'float32', shape }],
      },
    ],
  }
  const parsed = modelManifestSchema.safeParse(manifest)
  if (!parsed.success) throw new Error(`the generated manifest is invalid: ${describeManifestIssues(parsed.error).join('; ')}`)
  return parsed.data
}

function modelCard(m: ModelManifest, stats: ConvertStats): string {
  return `# ${m.name}

${m.description}

- Kind: image-to-image, upscale ×1, tile ${m.tile.size}×${m.tile.size} (fixed), overlap ${m.tile.overlap}
- Input \`image\` / output \`restored\`: RGB NCHW float32 in [0, 1]; output clamped to [0, 1]
- Parameters: ${(stats.parameters / 1e6).toFixed(2)} M fp32 (including folded constants of the fixed-size graph)
- Graph: ${stats.onnxNodes} ONNX nodes (opset 17) from ${stats.tfNodes} TF nodes: ${stats.foldedNodes} folded at conversion, ${stats.fusedLayerNorms} layer norms fused
- Licence: ${m.license.spdx}. ${m.license.attribution ?? ''}
- Source: ${m.provenance.source}
- Training data: ${m.provenance.data}

Regenerate with \`npm run models:maxim\` (options: \`-- --size 512 --overlap 32\`).
Paper: Tu et al., "MAXIM: Multi-Axis MLP for Image Processing", CVPR 2022.
`
}

export async function writeMaximModelFolder(o: MaximFolderOptions): Promise<MaximFolderResult> {
  const json = await readFile(o.modelJson)
  const graph = await readTfjsGraph(o.modelJson)
  const { bytes, stats } = convertTfjsGraph(graph, { height: o.size, width: o.size, multiple: MAXIM_MULTIPLE })
  const file = `maxim-3s-${o.size}.onnx`
  const manifest = maximManifest(o, file, sha256(bytes), sha256(json))

  const parent = dirname(o.outDir)
  await mkdir(parent, { recursive: true })
  const staging = join(parent, `.${basename(o.outDir)}.tmp-${process.pid}`)
  const old = join(parent, `.${basename(o.outDir)}.old-${process.pid}`)
  await rm(staging, { recursive: true, force: true })
  try {
    await mkdir(staging)
    await writeFile(join(staging, file), bytes)
    await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
    await writeFile(join(staging, 'MODEL_CARD.md'), modelCard(manifest, stats))
    if (existsSync(o.outDir)) await rename(o.outDir, old)
    await rename(staging, o.outDir)
    await rm(old, { recursive: true, force: true })
  } catch (e) {
    await rm(staging, { recursive: true, force: true })
    if (!existsSync(o.outDir) && existsSync(old)) await rename(old, o.outDir)
    throw new Error(`${o.outDir}: could not write the model folder (${(e as Error).message})`)
  }
  return { manifest, onnxFile: join(o.outDir, file), bytes: bytes.length, stats }
}
