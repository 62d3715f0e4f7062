/**
 * One measured run of the speed benchmark, in its own process so peak RSS belongs to it alone:
 * decode → deblur → encode of a generated photo. Prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { DeblurEngine, loadModel } from '../src/main/engine/index.ts'
import { decodePhoto, encodePhoto } from '../src/main/images/index.ts'

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    megapixels: { type: 'string' },
    tile: { type: 'string' },
    threads: { type: 'string' },
    workers: { type: 'string' },
    provider: { type: 'string', default: 'auto' },
  },
})
const mp = Number(values.megapixels)
const width = Math.round(Math.sqrt(mp * 1e6 * 1.5))
const height = Math.round(width / 1.5)

const dir = mkdtempSync(join(tmpdir(), 'fidediff-bench-'))
try {
  // a photo-like test card: smooth gradients plus fine texture, 3:2 like a camera frame
  const input = join(dir, 'input.jpg')
  await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .blur(1.2)
    .jpeg({ quality: 92 })
    .toFile(input)

  const model = await loadModel(values.model!)
  const engine = await DeblurEngine.open(model, {
    provider: values.provider as 'auto',
    ...(values.threads ? { threads: Number(values.threads) } : {}),
    ...(values.workers ? { workers: Number(values.workers) } : {}),
  })
  const started = performance.now()
  const photo = await decodePhoto(input)
  const result = await engine.deblur(photo.pixels, { t: 'auto', tOffset: 0, ...(values.tile ? { tile: Number(values.tile) } : {}) })
  await encodePhoto(result.image, photo.metadata, join(dir, 'output.jpg'), { format: 'jpeg', quality: 92 })
  const seconds = (performance.now() - started) / 1000
  const workers = engine.tileWorkers
  await engine.dispose()
  const rssMiB = process.resourceUsage().maxRSS / 1024
  process.stdout.write(`${JSON.stringify({ width, height, seconds, rssMiB, provider: result.provider, workers })}\n`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
