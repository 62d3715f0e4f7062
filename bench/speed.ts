/**
 * `npm run bench:speed` — end-to-end deblur speed (decode → deblur → encode) of the default
 * model at 1, 4 and 12 MP: median wall time of the runs, megapixels per second and peak RSS.
 * Prints a markdown table and writes it to bench/results/speed.md with machine and versions.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { chooseModel } from '../src/cli/model-choice.ts'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,4,12' },
    runs: { type: 'string', default: '3' },
    model: { type: 'string' },
    tile: { type: 'string' },
    threads: { type: 'string' },
  },
})
const model = await chooseModel(values.model)
const sizes = values.sizes.split(',').map(Number)
const runs = Number(values.runs)

interface Run { width: number; height: number; seconds: number; rssMiB: number; provider: string }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const rows: string[] = []
let provider = ''
for (const mp of sizes) {
  const measured: Run[] = []
  for (let i = 0; i < runs; i++) {
    const args = ['tsx', 'bench/speed-run.ts', '--model', model.dir, '--megapixels', String(mp)]
    if (values.tile) args.push('--tile', values.tile)
    if (values.threads) args.push('--threads', values.threads)
    const line = execFileSync('npx', args, { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop()!
    measured.push(JSON.parse(line) as Run)
    process.stderr.write(`${mp} MP run ${i + 1}/${runs}: ${measured.at(-1)!.seconds.toFixed(1)} s\n`)
  }
  const { width, height } = measured[0]!
  provider = measured[0]!.provider
  const seconds = median(measured.map((r) => r.seconds))
  const megapixels = (width * height) / 1e6
  rows.push(
    `| ${width}×${height} (${megapixels.toFixed(1)} MP) | ${seconds.toFixed(1)} | ${(megapixels / seconds).toFixed(3)} | ${median(measured.map((r) => r.rssMiB)).toFixed(0)} |`,
  )
}

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
})()
const table = [
  `Model ${model.manifest.id} ${model.manifest.version}, provider ${provider}, ${runs} runs per size (median), tile ${values.tile ?? model.manifest.tile.size}`,
  `Machine: ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, commit ${commit}`,
  '',
  '| photo | seconds (median) | MP/s | peak RSS MiB |',
  '|---|---|---|---|',
  ...rows,
].join('\n')
process.stdout.write(`${table}\n`)
mkdirSync('bench/results', { recursive: true })
writeFileSync('bench/results/speed.md', `# Speed benchmark (${new Date().toISOString()})\n\n${table}\n`)
