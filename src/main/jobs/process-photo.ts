/**
 * One photo of a batch, start to finish: hash → journal check → name → decode → deblur →
 * atomic write (+ kernel map) → journal. Every failure becomes an outcome with a reason in
 * user words, so one bad photo never stops the batch; only a full disk is raised, because the
 * queue pauses on it instead of failing every photo after it.
 */
import { basename, dirname } from 'node:path'
import { mkdir } from 'node:fs/promises'
import type { DeblurProgress, PhotoAnalysis, ProviderName } from '../../shared/domain.ts'
import { decodePhoto, encodePhoto, PhotoError } from '../images/index.ts'
import { removeStaleTemps } from './atomic-file.ts'
import type { BatchAnalyzer, BatchEngine } from './batch-engine.ts'
import type { BatchInput, BatchOptions, FileStatus } from './batch-types.ts'
import { reportRow } from './batch-report.ts'
import { sha256File, type JournalKey, type JournalSet } from './journal.ts'
import { kernelMapPaths, writeKernelMap } from './kernel-map.ts'
import { canonicalPath, outputFormatFor, plannedOutputPath, resolveCollision, templateUses } from './output-plan.ts'

export type { BatchAnalyzer, BatchEngine } from './batch-engine.ts'

export interface PhotoJobContext {
  engine: BatchEngine
  /** set when `engine` restores with an image-to-image model: the fidediff estimator beside it */
  analyzer: BatchAnalyzer | null
  options: BatchOptions
  journals: JournalSet
  /** fingerprint of model + settings + output options (journal entries of other batches differ) */
  settingsKey: string
  allInputs: ReadonlySet<string>
  /** canonical outputs given to photos of this batch so far; this photo adds its own */
  claimed: Set<string>
  date: string
  signal: AbortSignal
  onProgress: (p: DeblurProgress) => void
}

export interface PhotoOutcome {
  status: Extract<FileStatus, 'done' | 'failed' | 'skipped' | 'cancelled'>
  output: string | null
  reason: string | null
  provider: ProviderName | null
  tHatMean: number | null
  tHatMax: number | null
  /** finished by an earlier run: the journal's time, not this run's */
  resumed: boolean
  resumedTimeMs?: number
}

/** The disk is full: the queue pauses and puts the photo back first in line. */
export class DiskFullError extends Error {
  constructor(readonly target: string, message: string) {
    super(message)
    this.name = 'DiskFullError'
  }
}

const outcome = (status: PhotoOutcome['status'], reason: string | null, extra: Partial<PhotoOutcome> = {}): PhotoOutcome => ({
  status, reason, output: null, provider: null, tHatMean: null, tHatMax: null, resumed: false, ...extra,
})

/** PhotoError messages start with the bare file name; a batch of nested folders needs the path. */
function photoReason(error: PhotoError): string {
  const head = `${basename(error.file)}: `
  return error.message.startsWith(head) ? `${error.file}: ${error.message.slice(head.length)}` : error.message
}

const isAbort = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError'

function describeFsError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return `${path}: the file no longer exists`
  if (code === 'EACCES' || code === 'EPERM') return `${path}: permission denied`
  if (code === 'EISDIR') return `${path}: is a folder, not a photo`
  return `${path}: cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`
}

function outputError(target: string, error: unknown): Error {
  const code = error instanceof PhotoError ? error.code : (error as NodeJS.ErrnoException).code
  if (code === 'no-space' || code === 'ENOSPC' || code === 'EDQUOT')
    return new DiskFullError(target, `the disk is full writing ${target}: free some space, then resume`)
  if (error instanceof PhotoError) return new Error(photoReason(error))
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return new Error(`${target}: the output folder is read-only`)
  if (code === 'ENOTDIR' || code === 'EEXIST') return new Error(`${target}: the output folder cannot be created (a file is in the way)`)
  return new Error(`${target}: cannot be written (${error instanceof Error ? error.message : String(error)})`)
}

export async function processPhoto(input: BatchInput, ctx: PhotoJobContext): Promise<PhotoOutcome> {
  const { options, signal, engine } = ctx
  const output = options.output
  const started = performance.now()
  if (signal.aborted) return outcome('cancelled', `${input.path}: cancelled before it started`)

  let inputHash: string
  try {
    inputHash = await sha256File(input.path)
  } catch (error) {
    return outcome('failed', describeFsError(input.path, error))
  }
  const ownInput = await canonicalPath(input.path)
  const key: JournalKey = { input: ownInput, inputHash, settings: ctx.settingsKey }
  const journalDir = output.dir ?? dirname(input.path)
  const journal = await ctx.journals.for(journalDir)

  if (options.resume !== false) {
    const done = journal.findDone(key)
    if (done) {
      const previous = journal.absolute(done.output)
      const outputHash = await sha256File(previous).catch(() => null)
      if (outputHash === done.outputHash) {
        ctx.claimed.add(await canonicalPath(previous))
        const row = done.row as Partial<PhotoOutcome> & { timeMs?: number }
        return outcome('done', null, {
          output: previous, resumed: true, provider: (row.provider ?? null) as ProviderName | null,
          tHatMean: row.tHatMean ?? null, tHatMax: row.tHatMax ?? null, resumedTimeMs: row.timeMs ?? 0,
        })
      }
    }
  }
  const earlier = journal.findUnfinishedOutput(key)
  const t = options.settings.t
  const nameValues = (tValue: string): { t: string; date: string; model: string } => ({ t: tValue, date: ctx.date, model: engine.model.manifest.id })
  const decide = (tValue: string) =>
    resolveCollision(plannedOutputPath(input, output, nameValues(tValue)), {
      policy: output.collision, ownInput, allInputs: ctx.allInputs, claimed: ctx.claimed, ownEarlierOutput: earlier,
    })
  const nameNeedsResult = t === 'auto' && templateUses(output.nameTemplate, 't')
  if (!nameNeedsResult) {
    const early = await decide(String(t === 'auto' ? 'auto' : t + options.settings.tOffset))
    if (early.action !== 'write') return outcome(early.action === 'skip' ? 'skipped' : 'failed', `${input.path}: ${early.reason}`, { output: early.path })
  }

  if (signal.aborted) return outcome('cancelled', `${input.path}: cancelled before it started`)
  let decoded
  try {
    decoded = await decodePhoto(input.path, options.pixelLimit === undefined ? {} : { pixelLimit: options.pixelLimit })
  } catch (error) {
    return outcome('failed', error instanceof PhotoError ? photoReason(error) : describeFsError(input.path, error))
  }
  let result
  let analysis: PhotoAnalysis | null = null
  try {
    // before the deblur: the app's engine moves the pixels to its worker thread (they are gone after)
    if (ctx.analyzer) analysis = await ctx.analyzer.analyze(decoded.pixels, { signal, ...(options.grid === undefined ? {} : { grid: options.grid }) })
    result = await engine.deblur(decoded.pixels, options.settings, {
      signal, onProgress: ctx.onProgress, ...(options.grid === undefined ? {} : { grid: options.grid }),
    })
  } catch (error) {
    if (isAbort(error)) return outcome('cancelled', `${input.path}: cancelled`)
    return outcome('failed', `${input.path}: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (signal.aborted) return outcome('cancelled', `${input.path}: cancelled`)
  analysis = result.analysis ?? analysis
  // an image-to-image restorer predicts no t̂ (its tiles' tHat and tUsed are null): the analyzer's regions stand in
  const tileTHats = result.tiles.map((tile) => tile.tHat).filter((v): v is number => v !== null)
  const tHats = tileTHats.length || !analysis ? tileTHats : analysis.regions.map((r) => r.tHat)
  const tUsed = result.tiles.map((tile) => tile.tUsed).filter((v): v is number => v !== null)
  const mean = (xs: number[]): number | null => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : null)
  const stats = { provider: result.provider, tHatMean: mean(tHats), tHatMax: tHats.length ? Math.max(...tHats) : null }

  const tName = tUsed.length ? mean(tUsed) : mean(tHats)
  const final = await decide(tName === null ? 'none' : String(Math.round(tName)))
  if (final.action !== 'write') return outcome(final.action === 'skip' ? 'skipped' : 'failed', `${input.path}: ${final.reason}`, { ...stats, output: final.path })
  const target = final.path
  const claim = await canonicalPath(target)
  ctx.claimed.add(claim)

  const format = outputFormatFor(input.path, output.format)
  const bitDepth = output.bitDepth // JPEG, WebP and AVIF get 8 bits whatever is asked (photo module)
  // the photo module re-checks every input it is given (realpath + inode): give it the ones
  // that share the target's folder, not the whole batch, so a big batch stays linear
  const guard = [...ctx.allInputs].filter((p) => dirname(p) === dirname(claim))
  const sidecars: string[] = []
  try {
    await mkdir(dirname(target), { recursive: true })
    await removeStaleTemps(target)
    await journal.recordStart(key, target)
    await encodePhoto(result.image, decoded.metadata, target, {
      format, keepMetadata: output.keepMetadata, inputPaths: guard,
      ...(output.quality === undefined ? {} : { quality: output.quality }),
      ...(bitDepth === undefined ? {} : { bitDepth }),
    })
    if (output.kernelMap && analysis) {
      const written = await writeKernelMap(analysis, result.tiles, { input: input.path, output: target, ...kernelMapPaths(target) }, guard)
      sidecars.push(written.png, written.json)
    }
    const done = outcome('done', null, { ...stats, output: target })
    const row = reportRow({
      index: 0, input: input.path, relativePath: input.relativePath, progress: 1, elapsedMs: performance.now() - started, ...done,
    })
    await journal.recordDone(key, target, await sha256File(target), sidecars, row)
    return done
  } catch (error) {
    const wrapped = outputError(target, error)
    if (wrapped instanceof DiskFullError) {
      ctx.claimed.delete(claim) // the retry after the pause takes the same name again
      throw wrapped
    }
    return outcome('failed', wrapped.message, stats)
  }
}
