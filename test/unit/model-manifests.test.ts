import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  describeManifestIssues,
  modelManifestSchema,
  timestepFromNormalized,
  type FideDiffManifest,
} from '../../src/shared/model-manifest.ts'

function manifestsUnder(root: string): string[] {
  if (!existsSync(root)) return []
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'manifest.json')))
    .map((d) => join(root, d.name, 'manifest.json'))
}

const shipped = manifestsUnder('resources/models')
const fixtures = manifestsUnder('test/fixtures/models')

describe('every model folder the app or the tests load has a valid manifest', () => {
  it('finds the fixture models the tests depend on', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(3)
  })
  it.each([...shipped, ...fixtures])('%s validates against the schema', (file) => {
    const result = modelManifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
    expect(result.success ? [] : describeManifestIssues(result.error)).toEqual([])
  })
})

describe('a broken manifest is refused with the field named', () => {
  const good = JSON.parse(readFileSync(fixtures.find((f) => f.includes('fidediff'))!, 'utf8')) as FideDiffManifest

  it('names a bad sha256 by its path', () => {
    const bad = structuredClone(good)
    bad.stages[1]!.sha256 = 'xyz'
    const result = modelManifestSchema.safeParse(bad)
    expect(result.success).toBe(false)
    expect(describeManifestIssues(result.error!).join('\n')).toMatch(/^stages\[1\]\.sha256: /m)
  })

  it('refuses a stage whose input no earlier stage produces', () => {
    const bad = structuredClone(good)
    bad.stages.reverse()
    const result = modelManifestSchema.safeParse(bad)
    expect(describeManifestIssues(result.error!).join('\n')).toMatch(/is not produced by an earlier stage/)
  })

  it('refuses a file path that leaves the model folder', () => {
    const bad = structuredClone(good)
    bad.stages[0]!.file = '../../etc/passwd'
    expect(describeManifestIssues(modelManifestSchema.safeParse(bad).error!).join('\n')).toMatch(
      /stages\[0\]\.file: must be a relative path inside the model folder/,
    )
  })

  it('refuses a missing licence', () => {
    const bad: Record<string, unknown> = structuredClone(good)
    delete bad.license
    expect(describeManifestIssues(modelManifestSchema.safeParse(bad).error!).join('\n')).toMatch(/^license: /m)
  })
})

describe('the time predictor output maps back to timesteps (seed §A)', () => {
  const t = { values: [80, 120, 160, 200, 240, 280], normalized: [0.15, 0.29, 0.43, 0.57, 0.71, 0.85], default: 200, min: 0, max: 999 }
  it.each([
    [0.15, 80],
    [0.57, 200],
    [0.85, 280],
    [0.5, 180],
    [0, 37],
  ])('p = %f gives t = %i', (p, expected) => {
    expect(timestepFromNormalized(p, t)).toBe(expected)
  })
})
