import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DeblurEngine, availableProviders, loadModel } from '../../src/main/engine/index.ts'
import { hasCudaLibraries, providerPreference } from '../../src/main/engine/onnx-sessions.ts'
import { FIXTURE_MODELS, testPhoto } from './engine-test-images.ts'

async function open(provider: 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml'): Promise<DeblurEngine> {
  return DeblurEngine.open(await loadModel(join(FIXTURE_MODELS, 'identity')), { provider, threads: 1 })
}

describe('execution provider choice', () => {
  it('lists CPU among the providers onnxruntime supports here', () => {
    expect(availableProviders()).toContain('cpu')
  })

  it('prefers the platform’s GPU provider, CPU last', () => {
    expect(providerPreference('linux')).toEqual(['cuda', 'cpu'])
    expect(providerPreference('win32')).toEqual(['dml', 'cpu'])
    expect(providerPreference('darwin')).toEqual(['coreml', 'cpu'])
    expect(providerPreference('freebsd')).toEqual(['cpu'])
  })

  it.runIf(process.platform === 'linux' && !hasCudaLibraries())(
    'falls back to CPU when CUDA is asked for but its libraries are missing, and says how to install them',
    async () => {
      const engine = await open('cuda')
      try {
        expect(engine.provider).toBe('cpu')
        expect(engine.providerNote).toMatch(/npm run gpu:install/)
        const result = await engine.deblur(testPhoto(16, 16), { t: 'auto', tOffset: 0 })
        expect(result.provider).toBe('cpu')
      } finally {
        await engine.dispose()
      }
    },
  )

  it.runIf(process.platform === 'linux' && !hasCudaLibraries())('picks CPU quietly for auto on a machine without CUDA', async () => {
    const engine = await open('auto')
    expect(engine.provider).toBe('cpu')
    expect(engine.providerNote).toBeNull()
    await engine.dispose()
  })

  it.runIf(process.platform === 'linux')('falls back to CPU with a note for a provider of another platform', async () => {
    const engine = await open('dml')
    expect(engine.provider).toBe('cpu')
    expect(engine.providerNote).toMatch(/DirectML is not available here.*using CPU/)
    await engine.dispose()
  })

  it('uses CPU without a note when CPU is asked for', async () => {
    const engine = await open('cpu')
    expect([engine.provider, engine.providerNote]).toEqual(['cpu', null])
    await engine.dispose()
  })
})
