import { describe, expect, it } from 'vitest'
import { loadModel } from '../../src/main/engine/index.ts'
import { checkBatchSettings, defaultOutputOptions, parseBatchOptions } from '../../src/main/jobs/batch-options.ts'
import type { BatchOptions } from '../../src/main/jobs/batch-types.ts'

const good: BatchOptions = {
  output: { ...defaultOutputOptions(), dir: '/exports', format: 'png', bitDepth: 16, quality: 90 },
  settings: { t: 'auto', tOffset: -20, tile: 256, upscale: 2 },
  recursive: true,
  shard: { index: 2, count: 3 },
}

describe('batch options sent by the app', () => {
  it('valid options pass unchanged', () => {
    expect(parseBatchOptions(structuredClone(good))).toEqual(good)
  })

  it('a bad value is refused naming the field', () => {
    const bad = (patch: (o: BatchOptions) => void): (() => BatchOptions) => {
      const o = structuredClone(good)
      patch(o)
      return () => parseBatchOptions(o)
    }
    expect(bad((o) => ((o.output as { format: string }).format = 'bmp'))).toThrow(/output\.format/)
    expect(bad((o) => (o.output.quality = 0))).toThrow(/output\.quality/)
    expect(bad((o) => (o.output.nameTemplate = '{name}/{x}'))).toThrow(/output\.nameTemplate: .*without folders/)
    expect(bad((o) => (o.shard = { index: 4, count: 3 }))).toThrow(/shard/)
    expect(bad((o) => ((o.settings as { t: unknown }).t = 'soon'))).toThrow(/settings\.t/)
    expect(() => parseBatchOptions('not options')).toThrow(/batch options: \(root\)/)
  })

  it('settings that would fail every photo are refused once, before the batch', async () => {
    const { manifest } = await loadModel('test/fixtures/models/fidediff-random')
    expect(() => checkBatchSettings(manifest, good)).not.toThrow()
    expect(() => checkBatchSettings(manifest, { ...good, settings: { ...good.settings, tile: 64 } })).toThrow(/fidediff-random: tile size 64 is too small/)
    expect(() => checkBatchSettings(manifest, { ...good, settings: { ...good.settings, t: 1200 } })).toThrow(/timestep t must be from 0 to 999/)
    const identity = (await loadModel('test/fixtures/models/identity')).manifest
    expect(() => checkBatchSettings(identity, { ...good, output: { ...good.output, kernelMap: true } })).toThrow(/kernel map needs a fidediff model/)
  })
})
