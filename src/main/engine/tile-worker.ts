/**
 * A tile worker (tile-worker-pool.ts): opens the engine's model's stages on the CPU provider with its
 * own thread count, then runs one tile's stages per request and transfers the outputs back.
 */
import { parentPort } from 'node:worker_threads'
import { TENSOR } from '../../shared/model-manifest.ts'
import type { LoadedModel } from './load-model.ts'
import { StageSessions, type TensorValue } from './onnx-sessions.ts'
import { runStages } from './run-stages.ts'
import type { TileWorkerReply, TileWorkerRequest } from './tile-worker-protocol.ts'

const port = parentPort
if (!port) throw new Error('tile-worker.ts must run as a worker thread')

let opened: { model: LoadedModel; sessions: StageSessions } | null = null

function reply(message: TileWorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer)
}

async function handle(request: TileWorkerRequest): Promise<void> {
  if (request.type === 'open') {
    const { model } = request
    const probe = model.manifest.stages[0]!
    opened = { model, sessions: await StageSessions.open(model, probe, 'cpu', request.threads) }
    reply({ type: 'opened' })
    return
  }
  if (request.type === 'close') {
    await opened?.sessions.release()
    opened = null
    port!.close()
    return
  }
  if (opened === null) throw new Error('the tile worker is not open')
  const { model, sessions } = opened
  const stages = request.stageIds.map((id) => {
    const stage = model.manifest.stages.find((s) => s.id === id)
    if (stage === undefined) throw new Error(`${model.manifest.id}: no stage "${id}"`)
    return stage
  })
  const run = await runStages(sessions, model.manifest, stages, request.image, request.settings, undefined, request.what)
  run.tensors.delete(TENSOR.image)
  const tensors: [string, TensorValue][] = [...run.tensors]
  const transfer = [...new Set(tensors.map(([, t]) => t.data.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer))]
  reply({ type: 'done', id: request.id, tensors, tHat: run.tHat, tUsed: run.tUsed }, transfer)
}

port.on('message', (request: TileWorkerRequest) => {
  handle(request).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error)
    if (request.type === 'run') reply({ type: 'error', id: request.id, message })
    else if (request.type === 'open') reply({ type: 'failed', message })
    else port!.close()
  })
})
