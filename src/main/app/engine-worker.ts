/**
 * The engine's worker thread (see engine-protocol.ts for why): opens the model's ONNX
 * sessions once, then runs deblur / analysis / region requests one at a time, posting
 * per-tile progress and exactly one reply per request. Result pixels are transferred, not copied.
 */
import { parentPort } from 'node:worker_threads'
import type { DeblurProgress } from '../../shared/domain.ts'
import { DeblurEngine, loadModel } from '../engine/index.ts'
import type { EngineReply, EngineRequest } from './engine-protocol.ts'

const port = parentPort
if (!port) throw new Error('engine-worker.ts must run as a worker thread')

let engine: DeblurEngine | null = null
const running = new Map<number, AbortController>()

function reply(message: EngineReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer)
}

function buffersOf(value: unknown): ArrayBuffer[] {
  const image = (value as { image?: { data?: Uint8Array | Uint16Array } } | null)?.image
  const buffer = image?.data?.buffer
  return buffer instanceof ArrayBuffer ? [buffer] : []
}

function ready(): DeblurEngine {
  if (!engine) throw new Error('the engine is not open')
  return engine
}

async function serve(request: Exclude<EngineRequest, { type: 'cancel' }>): Promise<unknown> {
  const controller = new AbortController()
  running.set(request.id, controller)
  const { signal } = controller
  const onProgress = (progress: DeblurProgress): void => reply({ type: 'progress', id: request.id, progress })
  try {
    switch (request.type) {
      case 'open': {
        await engine?.dispose()
        engine = null
        const { provider, threads, tileWorkerEntry } = request
        engine = await DeblurEngine.open(await loadModel(request.modelDir), {
          provider,
          ...(threads === undefined ? {} : { threads }),
          ...(tileWorkerEntry === undefined ? {} : { tileWorkerEntry: new URL(tileWorkerEntry) }),
        })
        return { provider: engine.provider, providerNote: engine.providerNote }
      }
      case 'deblur':
        return await ready().deblur(request.image, request.settings, { signal, onProgress, grid: request.grid })
      case 'analyze':
        return await ready().analyze(request.image, { signal, onProgress, grid: request.grid })
      case 'region':
        return await ready().deblurRegion(request.image, request.box, request.settings, { signal })
      case 'dispose':
        await engine?.dispose()
        engine = null
        return null
    }
  } finally {
    running.delete(request.id)
  }
}

port.on('message', (request: EngineRequest) => {
  if (request.type === 'cancel') {
    running.get(request.id)?.abort()
    return
  }
  serve(request).then(
    (value) => reply({ type: 'done', id: request.id, value: value as never }, buffersOf(value)),
    (error: unknown) =>
      reply({
        type: 'error',
        id: request.id,
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
      }),
  )
})
