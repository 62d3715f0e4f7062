/**
 * The benchmark pairs made by bench/make_pairs.py: generated on first use (cached outside git
 * in bench/.pairs/seed-S), then read back as pixel buffers with their n, t and ground-truth
 * kernels per analysis region.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { z } from 'zod'
import type { PixelBuffer, RegionAnalysis } from '../../src/shared/domain.ts'
import { regionGrid, summarizeKernel } from '../../src/main/engine/kernel-summary.ts'

const pairSchema = z.object({
  id: z.string(),
  photo: z.string(),
  package: z.string(),
  license: z.string(),
  n: z.number().int(),
  t: z.number().int(),
  blurry: z.string(),
  sharp: z.string(),
  kernels: z.string(),
})
const pairsFileSchema = z.object({
  seed: z.number().int(),
  count: z.number().int(),
  size: z.number().int(),
  split: z.literal('val'),
  kernelGrid: z.number().int(),
  kernelSize: z.number().int(),
  kernelPixelScale: z.number(),
  frameCounts: z.array(z.number().int()).min(1),
  pairs: z.array(pairSchema),
})
export type PairsFile = z.infer<typeof pairsFileSchema>
export type PairEntry = z.infer<typeof pairSchema>

export interface BenchPair extends PairEntry {
  blurryPixels: PixelBuffer
  sharpPixels: PixelBuffer
  /** ground-truth kernels per region (the synthesis' own trajectory), for the oracle baseline */
  trueRegions: RegionAnalysis[]
}

export const PYTHON = '/usr/bin/python3'

/** Where a seed's pairs are cached (git-ignored). */
export function pairsDir(seed: number): string {
  return resolve('bench/.pairs', `seed-${seed}`)
}

/** pairs.json of `dir`, made by make_pairs.py first if missing or made with another seed/count. */
export function ensurePairs(dir: string, seed: number, count: number, cache?: string): PairsFile {
  const file = join(dir, 'pairs.json')
  const read = () => {
    const parsed = pairsFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
    if (!parsed.success) throw new Error(`${file}: not a pairs file (${parsed.error.issues[0]?.message ?? 'invalid'}); delete it to regenerate`)
    return parsed.data
  }
  if (existsSync(file)) {
    const pairs = read()
    if (pairs.seed === seed && pairs.count === count) return pairs
  }
  const args = ['bench/make_pairs.py', '--seed', String(seed), '--count', String(count), '--out', dir]
  if (cache !== undefined) args.push('--cache', cache)
  execFileSync(PYTHON, args, { stdio: ['ignore', 2, 'inherit'] }) // its progress goes to stderr: stdout is the report
  return read()
}

export async function readPixels(file: string): Promise<PixelBuffer> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, channels: 3, bitDepth: 8, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }
}

function trueRegions(file: string, pairs: PairsFile): RegionAnalysis[] {
  const bytes = readFileSync(file)
  const taps = pairs.kernelSize ** 2
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
  const grid = regionGrid(pairs.size, pairs.size, pairs.kernelGrid)
  if (values.length !== grid.boxes.length * taps) throw new Error(`${file}: ${values.length} values, expected ${grid.boxes.length}×${taps}`)
  return grid.boxes.map((box, i) => ({
    box,
    tHat: 0,
    kernel: summarizeKernel(values.subarray(i * taps, (i + 1) * taps), pairs.kernelSize, pairs.kernelPixelScale),
  }))
}

export async function loadPair(dir: string, pairs: PairsFile, entry: PairEntry): Promise<BenchPair> {
  return {
    ...entry,
    blurryPixels: await readPixels(join(dir, entry.blurry)),
    sharpPixels: await readPixels(join(dir, entry.sharp)),
    trueRegions: trueRegions(join(dir, entry.kernels), pairs),
  }
}
