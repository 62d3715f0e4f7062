/**
 * `npm run bench:quality` — restoration quality on ≥ 40 synthetic camera-shake pairs from the
 * val photos (issue 6): PSNR / SSIM per blur level n and overall for the blurry input,
 * Richardson–Lucy with the model's own kernels (and with the true kernels, as an oracle),
 * FideDiff-Tiny at t̂, at the true t and at t = 200, and MAXIM-3S (ONNX Runtime and TF.js) on
 * centre crops of the first pairs; the estimator's t̂ MAE. Prints markdown, writes
 * bench/results/quality.md and an image sheet bench/results/quality-sheet.png.
 *
 *   npm run bench:quality -- [--count 42] [--seed 6] [--model DIR|ID] [--maxim ort,tfjs|off]
 *     [--maxim-pairs 12] [--maxim-tfjs-pairs 3] [--crop 256] [--rl-iterations 15] [--no-oracle]
 *     [--threads N] [--photos /work/.cache/fidediff-data] [--pairs DIR]
 *     [--rows blurry,rl,oracle,fidediff,maxim-ort,maxim-tfjs]
 *
 * Restored images are kept in bench/.pairs/seed-S/outputs (keyed by model version), so a rerun
 * or a run with fewer --rows only computes what is missing.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { chooseModel } from '../src/cli/model-choice.ts'
import { DeblurEngine, loadModel } from '../src/main/engine/index.ts'
import { gitCommit, machineLine, versionsLine } from './quality/environment.ts'
import { openMaximTfjs, type MaximTfjsRunner } from './quality/maxim-tfjs.ts'
import { OutputStore, modelTag } from './quality/output-store.ts'
import { ensurePairs, loadPair, pairsDir, type BenchPair } from './quality/pairs.ts'
import { maximSection, qualitySection, type ScoredRow } from './quality/report.ts'
import {
  analysisSource,
  blurryRow,
  centreCrop,
  fideDiffRow,
  maximOrtRow,
  maximTfjsRow,
  oracleRow,
  richardsonLucyRow,
  ROW_GROUPS,
  type Row,
  type RowGroup,
  type StoredAnalysis,
} from './quality/rows.ts'
import { makeSheet } from './sheet.ts'

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '42' },
    seed: { type: 'string', default: '6' },
    model: { type: 'string' },
    'maxim-model': { type: 'string', default: 'resources/models/maxim-3s' },
    maxim: { type: 'string', default: 'ort,tfjs' },
    'maxim-pairs': { type: 'string', default: '12' },
    'maxim-tfjs-pairs': { type: 'string', default: '3' },
    crop: { type: 'string', default: '256' },
    'rl-iterations': { type: 'string', default: '15' },
    rows: { type: 'string', default: ROW_GROUPS.join(',') },
    'no-oracle': { type: 'boolean', default: false },
    threads: { type: 'string' },
    grid: { type: 'string', default: '8' },
    photos: { type: 'string' },
    pairs: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
  },
})
const count = Number(values.count)
const seed = Number(values.seed)
const crop = Number(values.crop)
const threads = values.threads === undefined ? undefined : Number(values.threads)
if (!Number.isInteger(count) || count < 1) throw new Error(`--count must be a positive integer, got ${values.count}`)

const groups = new Set(values.rows.split(','))
for (const g of groups) if (!(ROW_GROUPS as readonly string[]).includes(g)) throw new Error(`--rows: unknown row "${g}" (rows: ${ROW_GROUPS.join(', ')})`)
const wanted = (g: RowGroup) => groups.has(g)

const dir = values.pairs === undefined ? pairsDir(seed) : resolve(values.pairs)
const pairsFile = ensurePairs(dir, seed, count, values.photos)
const store = new OutputStore(join(dir, 'outputs'))

const model = await chooseModel(values.model, 'fidediff')
if (model.manifest.kind !== 'fidediff') throw new Error(`${model.dir}: the quality benchmark needs a fidediff model`)
const engine = await DeblurEngine.open(model, { provider: 'auto', ...(threads ? { threads } : {}) })
const tag = modelTag(model)
const analysisKey = `analysis-g${values.grid}--${tag}`
const analysisOf = analysisSource(engine, store, analysisKey, Number(values.grid))
const iterations = Number(values['rl-iterations'])

const fullRows: Row[] = [
  blurryRow(),
  richardsonLucyRow(tag, analysisOf, iterations),
  ...(values['no-oracle'] ? [] : [oracleRow(iterations, pairsFile.kernelPixelScale)]),
  fideDiffRow(engine, tag, 'auto'),
  fideDiffRow(engine, tag, 'true'),
  fideDiffRow(engine, tag, 200),
].filter((r) => wanted(r.group))
const maximKinds = (values.maxim === 'off' ? [] : values.maxim.split(',')).filter((k) => wanted(`maxim-${k}` as RowGroup))
const maximDir = resolve(values['maxim-model'])
let maximEngine: DeblurEngine | null = null
let tfjs: MaximTfjsRunner | null = null
const cropRows: { row: Row; pairs: number }[] = []
if (maximKinds.includes('ort')) {
  if (existsSync(join(maximDir, 'manifest.json'))) {
    const maxim = await loadModel(maximDir)
    maximEngine = await DeblurEngine.open(maxim, { provider: 'auto', ...(threads ? { threads } : {}) })
    cropRows.push({ row: maximOrtRow(maximEngine, modelTag(maxim)), pairs: Number(values['maxim-pairs']) })
  } else process.stderr.write(`no MAXIM-3S ONNX model in ${maximDir} (npm run models:maxim): skipping its ONNX Runtime row\n`)
}
if (maximKinds.includes('tfjs')) {
  tfjs = await openMaximTfjs()
  cropRows.push({ row: maximTfjsRow(tfjs), pairs: Number(values['maxim-tfjs-pairs']) })
}
const cropPairs = Math.min(count, Math.max(0, ...cropRows.map((r) => r.pairs)))

async function runRow(row: Row, pair: BenchPair, input: BenchPair['blurryPixels']): Promise<void> {
  if (store.has(row.key, pair.id)) return
  const started = performance.now()
  const image = await row.restore(pair, input)
  const seconds = (performance.now() - started) / 1000
  await store.save(row.key, pair.id, image, { seconds })
  process.stderr.write(`  ${pair.id} ${row.label}: ${seconds.toFixed(1)} s\n`)
}

const pairs: BenchPair[] = []
const analyses: StoredAnalysis[] = []
for (const [i, entry] of pairsFile.pairs.entries()) {
  process.stderr.write(`pair ${i + 1}/${count} (${entry.id}, n = ${entry.n})\n`)
  const pair = await loadPair(dir, pairsFile, entry)
  pairs.push(pair)
  if (wanted('rl') || wanted('fidediff')) analyses.push(await analysisOf(pair))
  for (const row of fullRows) await runRow(row, pair, pair.blurryPixels)
  for (const { row, pairs: k } of cropRows) if (i < k) await runRow(row, pair, centreCrop(pair.blurryPixels, crop))
}
await engine.dispose()
await maximEngine?.dispose()
tfjs?.dispose()

const scored: ScoredRow[] = [...fullRows.map((row) => ({ row, pairs: count })), ...cropRows]
const header = [
  `Pairs: ${count} × ${pairsFile.size}² from the val split, seed ${seed} (bench/make_pairs.py; n cycles 5…15, clean: no noise or JPEG).`,
  `FideDiff model: ${model.manifest.id} ${model.manifest.version} (${tag}, created ${model.manifest.provenance.createdAt}), provider ${engine.provider}${threads ? `, ${threads} ONNX Runtime thread${threads === 1 ? '' : 's'}` : ''}, analysis grid ${values.grid}.`,
  `Machine: ${machineLine()}. Versions: ${versionsLine()}. Commit ${gitCommit()}, ${new Date().toISOString()}.`,
  'Seconds are wall time per restoration, stored with each output when it was computed (a rerun reuses outputs); the machine is shared, so they vary with its load.',
].join('\n')
const sections = [
  `# Quality benchmark\n\n${header}`,
  await qualitySection(store, pairs, scored.filter((s) => !s.row.crop), analyses, pairsFile.frameCounts),
  ...(cropRows.length > 0 ? [await maximSection(store, pairs.slice(0, cropPairs), scored, crop)] : []),
]
mkdirSync(values.out, { recursive: true })
const sheetFile = join(values.out, 'quality-sheet.png')
const maximRow = cropRows[0]?.row
const sheetPairs = pairs.slice(0, cropPairs).filter((p) => p.n >= 9).slice(0, 4)
if (maximRow && sheetPairs.length > 0) {
  const shown = [fullRows.find((r) => r.group === 'blurry'), fullRows.find((r) => r.group === 'fidediff'), maximRow].filter((r) => r !== undefined)
  await makeSheet(store, sheetPairs, shown, crop, sheetFile)
  sections.push(`Image sheet: ${sheetFile} (centre ${crop}² crops of ${sheetPairs.map((p) => p.id).join(', ')}: ${[...shown.map((r) => r.label), 'sharp'].join(' | ')}).`)
}
const report = `${sections.join('\n\n')}\n`
process.stdout.write(report)
writeFileSync(join(values.out, 'quality.md'), report)
