/**
 * Finding and validating model folders (DESIGN.md "Model contract"; SECURITY.md: model files
 * are verified by sha256 before loading). Every refusal is a ModelError naming the file and field.
 */
import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describeManifestIssues, modelManifestSchema, type ModelManifest } from '../../shared/model-manifest.ts'
import { ModelError } from './model-error.ts'

export interface LoadedModel {
  /** absolute path of the model folder */
  dir: string
  manifest: ModelManifest
}

export const MANIFEST_FILE = 'manifest.json'

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined
}

async function readManifest(manifestPath: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(manifestPath, 'utf8')
  } catch (error) {
    const reason = errorCode(error) === 'ENOENT' ? 'not found (a model folder needs manifest.json)' : `cannot be read (${String(error)})`
    throw new ModelError(manifestPath, `${manifestPath}: ${reason}`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new ModelError(manifestPath, `${manifestPath}: not valid JSON (${error instanceof Error ? error.message : String(error)})`)
  }
}

function sha256Of(path: string): Promise<string> {
  return new Promise((resolveHash, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolveHash(hash.digest('hex')))
  })
}

/** Validate manifest.json and check every stage file exists and matches its sha256. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const folder = resolve(dir)
  const manifestPath = join(folder, MANIFEST_FILE)
  const parsed = modelManifestSchema.safeParse(await readManifest(manifestPath))
  if (!parsed.success) {
    const problems = describeManifestIssues(parsed.error)
    const field = problems[0]?.split(':')[0]
    throw new ModelError(manifestPath, `${manifestPath}: ${problems.join('; ')}`, field)
  }
  const manifest = parsed.data
  for (const [i, stage] of manifest.stages.entries()) {
    const file = join(folder, stage.file)
    const field = `stages[${i}]`
    const info = await stat(file).catch((error: unknown) => {
      const reason = errorCode(error) === 'ENOENT' ? 'missing' : `cannot be read (${String(error)})`
      throw new ModelError(file, `${file}: ${reason} (${field}.file of ${manifestPath})`, `${field}.file`)
    })
    if (!info.isFile()) throw new ModelError(file, `${file}: not a file (${field}.file of ${manifestPath})`, `${field}.file`)
    const actual = await sha256Of(file)
    if (actual !== stage.sha256)
      throw new ModelError(
        file,
        `${file}: sha256 mismatch (manifest ${field}.sha256 says ${stage.sha256}, the file has ${actual}); the file is damaged or was replaced`,
        `${field}.sha256`,
      )
  }
  return { dir: folder, manifest }
}

/**
 * Where models are looked for: FIDEDIFF_MODELS (path-delimited) first, then the bundled
 * resources/models. `bundledModels` overrides the bundled folder (the packaged app passes
 * join(process.resourcesPath, 'models'); the engine itself never imports Electron).
 */
export function defaultModelDirs(bundledModels?: string): string[] {
  const fromEnv = (process.env.FIDEDIFF_MODELS ?? '').split(delimiter).filter((p) => p.trim() !== '')
  const bundled = bundledModels ?? findBundledModels()
  return [...fromEnv.map((p) => resolve(p)), ...(bundled === null ? [] : [resolve(bundled)])]
}

/** resources/models next to the repo root: ../../../ from src/main/engine, ../../ from out/main. */
function findBundledModels(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let up = 0; up < 5; up++) {
    const candidate = join(dir, 'resources', 'models')
    if (existsSync(candidate)) return candidate
    dir = dirname(dir)
  }
  return null
}

/**
 * Every model folder in `dirs` (a dir may itself be a model folder, or hold model folders).
 * Broken models do not stop the scan: they come back as readable problems.
 */
export async function findModels(dirs: string[] = defaultModelDirs()): Promise<{ models: LoadedModel[]; problems: string[] }> {
  const models: LoadedModel[] = []
  const problems: string[] = []
  const seen = new Map<string, string>()
  const consider = async (folder: string): Promise<void> => {
    try {
      const model = await loadModel(folder)
      const earlier = seen.get(model.manifest.id)
      if (earlier !== undefined) {
        problems.push(`${folder}: model id "${model.manifest.id}" already found in ${earlier}; skipped`)
        return
      }
      seen.set(model.manifest.id, folder)
      models.push(model)
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error))
    }
  }
  for (const dir of dirs) {
    const root = resolve(dir)
    if (existsSync(join(root, MANIFEST_FILE))) {
      await consider(root)
      continue
    }
    let entries
    try {
      entries = await readdir(root, { withFileTypes: true })
    } catch (error) {
      problems.push(`${root}: models folder ${errorCode(error) === 'ENOENT' ? 'not found' : `cannot be read (${String(error)})`}`)
      continue
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const folder = join(root, entry.name)
      if (entry.isDirectory() && existsSync(join(folder, MANIFEST_FILE))) await consider(folder)
    }
  }
  return { models, problems }
}
