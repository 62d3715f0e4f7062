/** `fidediff analyze`: t̂ and the kernel summary per region, without running the restoration. */
import { basename } from 'node:path'
import { PROVIDER_CHOICES } from '../shared/domain.ts'
import { DeblurEngine } from '../main/engine/index.ts'
import { decodePhoto } from '../main/images/index.ts'
import { choiceFlag, EXIT, intFlag, parseCommand, UsageError, type CliIO } from './args.ts'
import { chooseModel } from './model-choice.ts'

export async function runAnalyzeCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, {
    json: { type: 'boolean' },
    grid: { type: 'string' },
    model: { type: 'string' },
    provider: { type: 'string' },
    threads: { type: 'string' },
  })
  if (positionals.length !== 1) throw new UsageError('analyze takes exactly one photo')
  const file = positionals[0]!
  const grid = intFlag('grid', values.grid, 1, 64) ?? 8
  const provider = choiceFlag('provider', values.provider, PROVIDER_CHOICES) ?? 'auto'
  const threads = intFlag('threads', values.threads, 1, 256)

  const model = await chooseModel(values.model, 'fidediff')
  if (model.manifest.kind !== 'fidediff')
    throw new UsageError(`${model.manifest.id} is an ${model.manifest.kind} model: analysis needs a fidediff model`)
  const photo = await decodePhoto(file)
  const engine = await DeblurEngine.open(model, { provider, ...(threads ? { threads } : {}) })
  try {
    const analysis = await engine.analyze(photo.pixels, { grid })
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ file, ...analysis }, null, 2)}\n`)
      return EXIT.ok
    }
    const lines = [
      `${basename(file)}: ${analysis.width}×${analysis.height}, ${analysis.cols}×${analysis.rows} regions, model ${analysis.model}, ${analysis.provider}`,
      'region (x, y, w×h)            t̂    direction   length',
    ]
    for (const r of analysis.regions) {
      const box = `${r.box.x}, ${r.box.y}, ${r.box.width}×${r.box.height}`
      lines.push(
        `${box.padEnd(28)} ${String(r.tHat).padStart(4)} ${r.kernel.directionDeg.toFixed(0).padStart(8)}° ${r.kernel.lengthPx.toFixed(1).padStart(7)} px`,
      )
    }
    const tHats = analysis.regions.map((r) => r.tHat)
    lines.push(`t̂ mean ${Math.round(tHats.reduce((a, b) => a + b, 0) / tHats.length)}, max ${Math.max(...tHats)}`)
    io.stdout.write(`${lines.join('\n')}\n`)
    return EXIT.ok
  } finally {
    await engine.dispose()
  }
}
