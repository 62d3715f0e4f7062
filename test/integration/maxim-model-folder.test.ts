/**
 * `npm run models:maxim` output, end to end at the smallest tile (64²) to stay fast: the folder
 * validates against the model contract, the engine loads it (sha256 checked) and deblurs a
 * photo of a size that is not a multiple of the tile through its tiler, and a failed
 * conversion leaves no folder behind.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PixelBuffer } from '../../src/shared/domain.ts'
import { DeblurEngine, loadModel } from '../../src/main/engine/index.ts'
import { modelManifestSchema } from '../../src/shared/model-manifest.ts'
import { MAXIM_PACKAGE, maximPackageDir, maximPackageModelJson, maximPackageVersion } from '../../tools/maxim/maxim-package.ts'
import { type MaximFolderResult, writeMaximModelFolder } from '../../tools/maxim/model-folder.ts'

let root = ''
let outDir = ''
let written: MaximFolderResult
const options = () => ({
  modelJson: maximPackageModelJson(),
  packageName: MAXIM_PACKAGE,
  packageVersion: maximPackageVersion(),
  outDir,
  size: 64,
  overlap: 8,
})

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'maxim-folder-'))
  outDir = join(root, 'maxim-3s')
  written = await writeMaximModelFolder(options())
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

async function blurryPhoto(width: number, height: number): Promise<PixelBuffer> {
  const { data, info } = await sharp(join(maximPackageDir(), 'assets', 'fixture.png'))
    .removeAlpha()
    .extract({ left: 120, top: 100, width, height })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, channels: 3, bitDepth: 8, data: new Uint8Array(data) }
}

describe('the converted MAXIM-3S model folder', () => {
  it('has a manifest of kind image-to-image that validates, with licence, provenance and the file checksum', () => {
    const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as unknown
    const parsed = modelManifestSchema.parse(manifest)
    expect(parsed.kind).toBe('image-to-image')
    expect(parsed.upscale.factor).toBe(1)
    expect(parsed.tile).toEqual({ size: 64, overlap: 8, multiple: 64 })
    expect(parsed.license.spdx).toBe('Apache-2.0')
    expect(parsed.provenance.source).toContain(`${MAXIM_PACKAGE}@${maximPackageVersion()}`)
    const stage = parsed.stages[0]!
    expect(stage.inputs[0]!.shape).toEqual([1, 3, 64, 64])
    expect(createHash('sha256').update(readFileSync(join(outDir, stage.file))).digest('hex')).toBe(stage.sha256)
    expect(existsSync(join(outDir, 'MODEL_CARD.md'))).toBe(true)
    expect(written.stats.parameters).toBeGreaterThan(22e6) // MAXIM-3S has 22 M weights, all kept
  })

  it('deblurs 150×90 and 40×30 photos through the engine tiler: same size, every tile run, sharper result', async () => {
    const model = await loadModel(outDir)
    const engine = await DeblurEngine.open(model, { provider: 'cpu', threads: 2 })
    try {
      const photo = await blurryPhoto(150, 90)
      const result = await engine.deblur(photo, { t: 'auto', tOffset: 0 })
      expect([result.image.width, result.image.height, result.image.channels, result.image.bitDepth]).toEqual([150, 90, 3, 8])
      expect(result.tiles.length).toBe(6) // 3 × 2 tiles of 64² with 8 px overlap
      expect(result.analysis).toBeNull()
      const edges = (p: PixelBuffer) => {
        let sum = 0
        for (let y = 0; y < p.height; y++)
          for (let x = 0; x + 1 < p.width; x++) sum += Math.abs(p.data[(y * p.width + x + 1) * 3 + 1]! - p.data[(y * p.width + x) * 3 + 1]!)
        return sum
      }
      expect(edges(result.image)).toBeGreaterThan(1.3 * edges(photo))
      // smaller than one tile: padded to exactly the graph's fixed 64² (tile.multiple = size)
      const small = await engine.deblur(await blurryPhoto(40, 30), { t: 'auto', tOffset: 0 })
      expect([small.image.width, small.image.height, small.tiles.length]).toEqual([40, 30, 1])
    } finally {
      await engine.dispose()
    }
  })

  it('refuses a tile size that is not a multiple of 64 and leaves the existing folder untouched', async () => {
    const before = readFileSync(join(outDir, 'manifest.json'), 'utf8')
    await expect(writeMaximModelFolder({ ...options(), size: 100 })).rejects.toThrow(/tile height must be a positive multiple of 64, got 100/)
    expect(readFileSync(join(outDir, 'manifest.json'), 'utf8')).toBe(before)
    expect(readdirSync(root)).toEqual(['maxim-3s']) // no staging folder left behind
  })
})
