import { readFile, rm, writeFile, appendFile, mkdir, cp } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DeblurEngine, ModelError, defaultModelDirs, findModels, loadModel } from '../../src/main/engine/index.ts'
import { FIXTURE_MODELS, copyFixtureModel } from './engine-test-images.ts'

const made: string[] = []
async function copy(id: string): Promise<string> {
  const dir = await copyFixtureModel(id)
  made.push(dirname(dir))
  return dir
}
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function editManifest(dir: string, edit: (m: Record<string, unknown>) => void): Promise<void> {
  const file = join(dir, 'manifest.json')
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
  edit(manifest)
  await writeFile(file, JSON.stringify(manifest))
}

async function refusal(dir: string): Promise<ModelError> {
  const error = await loadModel(dir).then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ModelError)
  return error as ModelError
}

describe('a model folder is checked before it is used', () => {
  it.each(['identity', 'local-conv', 'fidediff-random'])('loads the %s fixture', async (id) => {
    const model = await loadModel(join(FIXTURE_MODELS, id))
    expect(model.manifest.id).toBe(id)
    expect(model.dir).toBe(join(FIXTURE_MODELS, id))
  })

  it('refuses a manifest that is not JSON, naming manifest.json', async () => {
    const dir = await copy('identity')
    await writeFile(join(dir, 'manifest.json'), '{ "schemaVersion": 1,')
    const e = await refusal(dir)
    expect(e.file).toBe(join(dir, 'manifest.json'))
    expect(e.message).toContain(join(dir, 'manifest.json'))
    expect(e.message).toMatch(/not valid JSON/)
  })

  it('refuses a manifest with a missing field, naming manifest.json and the field path', async () => {
    const dir = await copy('fidediff-random')
    await editManifest(dir, (m) => delete (m.tile as Record<string, unknown>).overlap)
    const e = await refusal(dir)
    expect(e.message).toContain(join(dir, 'manifest.json'))
    expect(e.message).toMatch(/tile\.overlap: /)
    expect(e.field).toBe('tile.overlap')
  })

  it('refuses a stage file whose sha256 does not match, naming the file', async () => {
    const dir = await copy('fidediff-random')
    await appendFile(join(dir, 'restorer.onnx'), Buffer.from([0]))
    const e = await refusal(dir)
    expect(e.file).toBe(join(dir, 'restorer.onnx'))
    expect(e.message).toContain(join(dir, 'restorer.onnx'))
    expect(e.message).toMatch(/sha256 mismatch/)
    expect(e.field).toBe('stages[3].sha256')
  })

  it('refuses a missing ONNX file, naming it', async () => {
    const dir = await copy('identity')
    await rm(join(dir, 'model.onnx'))
    const e = await refusal(dir)
    expect(e.message).toContain(join(dir, 'model.onnx'))
    expect(e.message).toMatch(/missing/)
  })

  it('refuses a folder without manifest.json', async () => {
    const dir = await copy('identity')
    await rm(join(dir, 'manifest.json'))
    expect((await refusal(dir)).message).toMatch(/manifest\.json: not found/)
  })

  it('refuses to open an ONNX file that is not a model even when its checksum matches', async () => {
    const dir = await copy('identity')
    const junk = Buffer.from('this is not an ONNX graph')
    await writeFile(join(dir, 'model.onnx'), junk)
    await editManifest(dir, (m) => {
      ;(m.stages as { sha256: string }[])[0]!.sha256 = createHash('sha256').update(junk).digest('hex')
    })
    const model = await loadModel(dir)
    const error = await DeblurEngine.open(model, { provider: 'cpu' }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ModelError)
    expect((error as ModelError).message).toContain(join(dir, 'model.onnx'))
  })
})

describe('model discovery', () => {
  it('lists good models and reports broken ones without stopping', async () => {
    const good = await copy('identity')
    const root = dirname(good)
    await cp(join(FIXTURE_MODELS, 'local-conv'), join(root, 'local-conv'), { recursive: true })
    await appendFile(join(root, 'local-conv', 'model.onnx'), 'x')
    await mkdir(join(root, 'not-a-model'))
    const { models, problems } = await findModels([root, join(root, 'no-such-folder')])
    expect(models.map((m) => m.manifest.id)).toEqual(['identity'])
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatch(/local-conv[/\\]model\.onnx: sha256 mismatch/)
    expect(problems[1]).toMatch(/no-such-folder: models folder not found/)
  })

  it('accepts a model folder itself as a place to look', async () => {
    const { models, problems } = await findModels([join(FIXTURE_MODELS, 'fidediff-random')])
    expect(models.map((m) => m.manifest.id)).toEqual(['fidediff-random'])
    expect(problems).toEqual([])
  })

  it('looks in FIDEDIFF_MODELS first, then the bundled resources/models', () => {
    const saved = process.env.FIDEDIFF_MODELS
    try {
      process.env.FIDEDIFF_MODELS = ['/tmp/a', '/tmp/b'].join(delimiter)
      const dirs = defaultModelDirs('/opt/app/resources/models')
      expect(dirs).toEqual(['/tmp/a', '/tmp/b', '/opt/app/resources/models'])
      delete process.env.FIDEDIFF_MODELS
      // found by walking up from src/main/engine; absent in a checkout with no shipped model yet
      const bundled = join(process.cwd(), 'resources', 'models')
      expect(defaultModelDirs()).toEqual(existsSync(bundled) ? [bundled] : [])
    } finally {
      if (saved === undefined) delete process.env.FIDEDIFF_MODELS
      else process.env.FIDEDIFF_MODELS = saved
    }
  })
})
