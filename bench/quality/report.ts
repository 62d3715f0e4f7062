/** Scores stored outputs against the sharp targets and lays them out as markdown tables. */
import { psnr, ssim } from '../metrics/image-metrics.ts'
import type { PixelBuffer } from '../../src/shared/domain.ts'
import type { OutputStore, StoredRun } from './output-store.ts'
import type { BenchPair } from './pairs.ts'
import { centreCrop, type Row, type StoredAnalysis } from './rows.ts'
import { formatNumber, markdownTable, meansByN, nColumns, type Sample } from './tables.ts'

export interface ScoredRow {
  row: Row
  /** how many of the first pairs it ran on */
  pairs: number
}

interface Scores {
  psnr: Sample[]
  ssim: Sample[]
  seconds: number[]
}

async function score(store: OutputStore, row: Row, pairs: readonly BenchPair[], crop: number | null): Promise<Scores> {
  const out: Scores = { psnr: [], ssim: [], seconds: [] }
  for (const pair of pairs) {
    let restored: PixelBuffer = await store.readImage(row.key, pair.id)
    let reference = pair.sharpPixels
    if (crop !== null) {
      reference = centreCrop(reference, crop)
      if (!row.crop) restored = centreCrop(restored, crop)
    }
    out.psnr.push({ n: pair.n, value: psnr(restored, reference) })
    out.ssim.push({ n: pair.n, value: ssim(restored, reference) })
    out.seconds.push(store.readJson<StoredRun>(row.key, pair.id).seconds)
  }
  return out
}

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / Math.max(1, xs.length)

export async function qualitySection(
  store: OutputStore,
  pairs: readonly BenchPair[],
  rows: readonly ScoredRow[],
  analyses: readonly StoredAnalysis[],
  ns: readonly number[],
): Promise<string> {
  const psnrRows: string[][] = []
  const ssimRows: string[][] = []
  for (const { row } of rows) {
    const s = await score(store, row, pairs, null)
    const p = meansByN(s.psnr, ns)
    const q = meansByN(s.ssim, ns)
    const seconds = row.key === 'blurry' ? '–' : mean(s.seconds).toFixed(1)
    psnrRows.push([row.label, ...[...p.byN, p.overall].map((v) => formatNumber(v, 2)), seconds])
    ssimRows.push([row.label, ...[...q.byN, q.overall].map((v) => formatNumber(v, 4))])
  }
  return [
    `## PSNR (dB, RGB) on the ${pairs.length} full ${pairs[0]?.blurryPixels.width ?? 0}² pairs`,
    '',
    markdownTable(['method', ...nColumns(ns), 's / pair'], psnrRows),
    '',
    `## SSIM (luminance, 11×11 Gaussian σ = 1.5) on the same pairs`,
    '',
    markdownTable(['method', ...nColumns(ns)], ssimRows),
    ...(analyses.length === pairs.length ? ['', timestepSection(pairs, analyses, ns)] : []),
  ].join('\n')
}

function timestepSection(pairs: readonly BenchPair[], analyses: readonly StoredAnalysis[], ns: readonly number[]): string {
  const tHat = analyses.map((a, i) => {
    const t = pairs[i]!.t
    const regionMean = (f: (tHat: number) => number) => mean(a.regions.map((r) => f(r.tHat)))
    return { n: pairs[i]!.n, mae: regionMean((v) => Math.abs(v - t)), mean: regionMean((v) => v) }
  })
  const mae = meansByN(tHat.map((x) => ({ n: x.n, value: x.mae })), ns)
  const bias = meansByN(tHat.map((x) => ({ n: x.n, value: x.mean })), ns)
  const analysisSeconds = mean(analyses.map((a) => a.seconds))
  return [
    `## Timestep estimate t̂ (per analysis region, vs the true t = (n − 1) × 20)`,
    '',
    markdownTable(
      ['', ...nColumns(ns)],
      [
        ['true t', ...ns.map((n) => String((n - 1) * 20)), '–'],
        ['mean t̂', ...[...bias.byN, bias.overall].map((v) => formatNumber(v, 1))],
        ['t̂ MAE', ...[...mae.byN, mae.overall].map((v) => formatNumber(v, 1))],
      ],
    ),
    '',
    `Analysis (kernel map + t̂, estimator stages only): ${analysisSeconds.toFixed(1)} s per pair; the RL row's time excludes it.`,
  ].join('\n')
}

/** One table per distinct crop count: every row that ran on at least that many crops. */
export async function maximSection(store: OutputStore, pairs: readonly BenchPair[], rows: readonly ScoredRow[], crop: number): Promise<string> {
  const sizes = [...new Set(rows.filter((r) => r.row.crop).map((r) => Math.min(r.pairs, pairs.length)))].filter((k) => k > 0).sort((a, b) => b - a)
  const parts: string[] = []
  for (const k of sizes) {
    const subset = pairs.slice(0, k)
    const lines: string[][] = []
    for (const { row, pairs: ran } of rows) {
      if (ran < k) continue
      const s = await score(store, row, subset, crop)
      const seconds = row.crop ? mean(s.seconds) : null
      lines.push([
        row.label,
        mean(s.psnr.map((x) => x.value)).toFixed(2),
        mean(s.ssim.map((x) => x.value)).toFixed(4),
        seconds === null ? '–' : seconds.toFixed(1),
        seconds === null ? '–' : ((crop * crop) / 1e6 / seconds).toFixed(4),
      ])
    }
    parts.push(
      [
        `## MAXIM-3S on the centre ${crop}² crops of the first ${k} pairs (n = ${subset.map((p) => p.n).join(', ')})`,
        '',
        'Full-image rows are scored on the same crop of their full-image output; MAXIM rows restored the crop alone.',
        '',
        markdownTable(['method', 'PSNR (dB)', 'SSIM', 's / crop', 'MP/s'], lines),
      ].join('\n'),
    )
  }
  return parts.join('\n\n')
}
