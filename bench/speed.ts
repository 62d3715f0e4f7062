/**
 * `npm run bench:speed` — end-to-end deblur speed (decode → deblur → encode) of the default
 * model at 1, 4 and 12 MP: median wall time of the runs, megapixels per second and peak RSS.
 * Prints a markdown table and writes it to bench/results/speed.md (or --out) with machine and versions.
 *
 * Sweeps (issue 6), each an extra table after the main one, same runs per point:
 *   --sizes 1,4,12,24          the main table's photo sizes (24 MP included on request)
 *   --tiles 256,512,768        tile-size sweep at --sweep-megapixels (default 1)
 *   --thread-counts 1,2        ONNX Runtime thread sweep at --sweep-megapixels (with --workers 1 unless given)
 *   --worker-counts 1,2        tile-worker sweep at --sweep-megapixels (tiles at once, one thread each unless --threads)
 *   --maxim [--maxim-model D]  MAXIM-3S (ONNX, resources/models/maxim-3s) on the same kind of
 *                              photo at --maxim-megapixels (default 0.15: it runs ~0.002 MP/s),
 *                              beside the default model on that same photo, per megapixel
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { chooseModel } from '../src/cli/model-choice.ts'
import { loadModel } from '../src/main/engine/index.ts'
import { versionsLine } from './quality/environment.ts'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1,4,12' },
    runs: { type: 'string', default: '3' },
    model: { type: 'string' },
    tile: { type: 'string' },
    threads: { type: 'string' },
    workers: { type: 'string' },
    'worker-counts': { type: 'string' },
    tiles: { type: 'string' },
    'thread-counts': { type: 'string' },
    'sweep-megapixels': { type: 'string', default: '1' },
    maxim: { type: 'boolean', default: false },
    'maxim-model': { type: 'string', default: 'resources/models/maxim-3s' },
    'maxim-megapixels': { type: 'string', default: '0.15' },
    out: { type: 'string', default: 'bench/results/speed.md' },
  },
})
const model = await chooseModel(values.model)
const sizes = values.sizes.split(',').map(Number)
const runs = Number(values.runs)

interface Run { width: number; height: number; seconds: number; rssMiB: number; provider: string; workers: number }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

interface Point { width: number; height: number; megapixels: number; seconds: number; rssMiB: number; provider: string; workers: number }

/** median of `runs` runs of bench/speed-run.ts, each in its own process (its peak RSS alone) */
function measure(dir: string, mp: number, label: string, tile?: string, threads?: string, workers?: string): Point {
  const measured: Run[] = []
  for (let i = 0; i < runs; i++) {
    const args = ['tsx', 'bench/speed-run.ts', '--model', dir, '--megapixels', String(mp)]
    if (tile) args.push('--tile', tile)
    if (threads) args.push('--threads', threads)
    if (workers) args.push('--workers', workers)
    const line = execFileSync('npx', args, { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop()!
    measured.push(JSON.parse(line) as Run)
    process.stderr.write(`${label} run ${i + 1}/${runs}: ${measured.at(-1)!.seconds.toFixed(1)} s\n`)
  }
  const { width, height, provider, workers: w } = measured[0]!
  return {
    width,
    height,
    provider,
    workers: w,
    megapixels: (width * height) / 1e6,
    seconds: median(measured.map((r) => r.seconds)),
    rssMiB: median(measured.map((r) => r.rssMiB)),
  }
}
const cells = (p: Point) => `${p.seconds.toFixed(1)} | ${(p.megapixels / p.seconds).toFixed(3)} | ${p.rssMiB.toFixed(0)}`

const rows: string[] = []
const points: Point[] = []
let provider = ''
let workers = 1
for (const mp of sizes) {
  const p = measure(model.dir, mp, `${mp} MP`, values.tile, values.threads, values.workers)
  points.push(p)
  provider = p.provider
  workers = p.workers
  rows.push(`| ${p.width}×${p.height} (${p.megapixels.toFixed(1)} MP) | ${cells(p)} |`)
}

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
})()
const table = [
  `Model ${model.manifest.id} ${model.manifest.version}, provider ${provider}, ${workers} tile worker${workers === 1 ? '' : 's'}, ${runs} runs per size (median), tile ${values.tile ?? model.manifest.tile.size}`,
  `Machine: ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, commit ${commit}`,
  '',
  '| photo | seconds (median) | MP/s | peak RSS MiB |',
  '|---|---|---|---|',
  ...rows,
].join('\n')

const sweepMp = Number(values['sweep-megapixels'])
/** One sweep table: a row per value of the swept option, each measured at --sweep-megapixels. */
function sweep(title: string, column: string, list: string, measureAt: (value: string) => Point): string {
  const lines = list.split(',').map((value) => `| ${value} | ${cells(measureAt(value))} |`)
  return [`### ${title}`, '', `| ${column} | seconds (median) | MP/s | peak RSS MiB |`, '|---|---|---|---|', ...lines].join('\n')
}
const sections: string[] = []
if (values.tiles)
  sections.push(
    sweep(`Tile-size sweep (${model.manifest.id}, ${sweepMp} MP, model-input px; overlap ${model.manifest.tile.overlap})`, 'tile', values.tiles, (tile) =>
      measure(model.dir, sweepMp, `tile ${tile}`, tile, values.threads, values.workers),
    ),
  )
if (values['thread-counts'])
  sections.push(
    sweep(
      `Thread sweep (${model.manifest.id}, ${sweepMp} MP, ONNX Runtime intra-op threads, ${values.workers ?? 1} tile worker(s))`,
      'threads',
      values['thread-counts'],
      (threads) => measure(model.dir, sweepMp, `${threads} threads`, values.tile, threads, values.workers ?? '1'),
    ),
  )
if (values['worker-counts'])
  sections.push(
    sweep(
      `Tile-worker sweep (${model.manifest.id}, ${sweepMp} MP, tiles at once, ${values.threads ?? 'cores / workers'} ONNX Runtime thread(s) each)`,
      'workers',
      values['worker-counts'],
      (n) => measure(model.dir, sweepMp, `${n} workers`, values.tile, values.threads, n),
    ),
  )
if (values.maxim) {
  const dir = resolve(values['maxim-model'])
  if (!existsSync(join(dir, 'manifest.json'))) throw new Error(`--maxim: no model in ${dir} (npm run models:maxim)`)
  const maxim = await loadModel(dir)
  const mp = Number(values['maxim-megapixels'])
  const m = measure(dir, mp, 'MAXIM-3S', undefined, values.threads, values.workers)
  // the same photo for both: tiling overheads and fixed costs then weigh alike
  const same = measure(model.dir, mp, `${model.manifest.id} at the MAXIM size`, values.tile, values.threads, values.workers)
  const perMp = (p: Point) => p.megapixels / p.seconds
  sections.push(
    [
      `### ${maxim.manifest.name} on the same photo (${maxim.manifest.id} ${maxim.manifest.version}, ONNX Runtime ${m.provider}, tile ${maxim.manifest.tile.size})`,
      '',
      '| model | photo | seconds (median) | MP/s | peak RSS MiB |',
      '|---|---|---|---|---|',
      `| ${model.manifest.id} | ${same.width}×${same.height} | ${cells(same)} |`,
      `| ${maxim.manifest.id} | ${m.width}×${m.height} | ${cells(m)} |`,
      '',
      `${model.manifest.id} is ${(perMp(same) / perMp(m)).toFixed(1)}× faster per megapixel than ${maxim.manifest.id} on the same photo, ` +
        `${(perMp(points[0]!) / perMp(m)).toFixed(1)}× at ${points[0]!.megapixels.toFixed(1)} MP (target: ≥ 100×).`,
    ].join('\n'),
  )
}
const extra = sections.length > 0 ? `\n\n${sections.join('\n\n')}\n\nVersions: ${versionsLine()}.` : ''
process.stdout.write(`${table}${extra}\n`)
mkdirSync('bench/results', { recursive: true })
writeFileSync(values.out, `# Speed benchmark (${new Date().toISOString()})\n\n${table}${extra}\n`)
