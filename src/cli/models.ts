/** `fidediff models`: what is installed, and which execution providers this machine offers. */
import { availableProviders, defaultModelDirs, findModels } from '../main/engine/index.ts'
import { missingModelHints } from '../shared/model-hints.ts'
import { parseCommand, EXIT, type CliIO } from './args.ts'

export async function runModelsCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommand(argv, { json: { type: 'boolean' } })
  const dirs = defaultModelDirs()
  const { models, problems } = await findModels(dirs)
  const providers = availableProviders()
  const hints = missingModelHints(models.map((m) => m.manifest.id))
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ dirs, models, problems, providers, hints }, null, 2)}\n`)
    return EXIT.ok
  }
  const out: string[] = [`Model folders: ${dirs.join(', ')}`, '']
  if (models.length === 0) out.push('No models installed.')
  for (const { dir, manifest: m } of models) {
    out.push(`${m.id}  ${m.name} ${m.version}  (${m.kind})`)
    out.push(`  ${m.description}`)
    out.push(`  folder: ${dir}`)
    out.push(`  upsampling ×${m.upscale.factor}, tile ${m.tile.size} px (overlap ${m.tile.overlap}), stages: ${m.stages.map((s) => s.id).join(' → ')}`)
    if (m.kind === 'fidediff')
      out.push(`  kernel ${m.kernel.size}×${m.kernel.size} at ${m.kernel.pixelScale} px/tap, timesteps ${m.timestep.values.join(', ')}`)
    out.push(`  licence: ${m.license.spdx}${m.license.attribution ? ` — ${m.license.attribution}` : ''}`)
    out.push('')
  }
  for (const problem of problems) out.push(`Refused: ${problem}`)
  for (const hint of hints) out.push(`Not installed: ${hint}`)
  out.push(`Execution providers here: ${providers.join(', ')}`)
  if (process.platform === 'linux' && !providers.includes('cuda'))
    out.push('CUDA is not installed for ONNX Runtime: run `npm run gpu:install` to add it (NVIDIA GPUs).')
  io.stdout.write(`${out.join('\n')}\n`)
  return EXIT.ok
}
