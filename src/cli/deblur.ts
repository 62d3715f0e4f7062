/**
 * `fidediff deblur <files|folders...>` (issues 2 and 5): the batch queue of the app, headless.
 * Exit 0 when every photo is done or skipped, 1 when some failed (each named with its reason),
 * 2 on usage errors (unknown flag, bad value, no inputs, no model, unwritable --out),
 * 130 when interrupted (Ctrl-C / SIGTERM cancel the running photo within a tile).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, extname, join, resolve } from 'node:path'
import type { Writable } from 'node:stream'
import { PROVIDER_CHOICES, type DeblurSettings, type ProviderChoice } from '../shared/domain.ts'
import { DeblurEngine } from '../main/engine/index.ts'
import { OUTPUT_FORMATS } from '../main/images/index.ts'
import {
  BatchQueue, COLLISION_POLICIES, DEFAULT_TEMPLATE, defaultOutputOptions, fileLine, parseShard, progressBar, summaryLine,
  validateTemplate, writeReport, type BatchOptions, type CollisionPolicy, type FormatChoice,
} from '../main/jobs/index.ts'
import { checkBatchSettings } from '../main/jobs/batch-options.ts'
import { waitForSpace } from '../main/jobs/disk-space.ts'
import { choiceFlag, EXIT, intFlag, parseCommand, UsageError, type CliIO } from './args.ts'
import { chooseAnalysisModel, chooseModel } from './model-choice.ts'

export const DEBLUR_USAGE = `usage: fidediff deblur <files|folders...> [options]
  --out DIR            write outputs below DIR (mirroring folders) instead of beside each input
  --format F           same|${OUTPUT_FORMATS.join('|')} (default same)
  --quality N          1..100            --bit-depth 8|16      --no-metadata
  --suffix S           output name {name}S (default _deblurred)
  --name TEMPLATE      output name from {name} {ext} {t} {date} {model}
  --collision P        skip|overwrite|number when the output exists (default number)
  --skip-existing      same as --collision skip
  --t auto|N           timestep: predicted per tile (auto) or fixed   --t-offset N
  --tile N             tile edge in model-input px   --upscale 1|2   --grid N
  --provider P         ${PROVIDER_CHOICES.join('|')}   --model DIR|ID
  --workers N          tiles at once on the CPU (default: cores, at most 4; 1 for models over 50 MB)
  --threads N          ONNX Runtime threads per worker (default: cores / workers)
  --analysis-model DIR|ID  the fidediff model whose t̂ and kernels go with an image-to-image
                       --model (default: the first fidediff model installed)
  --recursive, -r      include subfolders           --kernel-map   kernel PNG + JSON per photo
  --report FILE        write a report (.json or .csv)  --shard K/N   this machine's share
  --no-resume          ignore the journal of earlier runs of this batch`

const OPTIONS = {
  out: { type: 'string' }, format: { type: 'string' }, quality: { type: 'string' }, suffix: { type: 'string' },
  name: { type: 'string' }, t: { type: 'string' }, 't-offset': { type: 'string' }, provider: { type: 'string' },
  tile: { type: 'string' }, upscale: { type: 'string' }, recursive: { type: 'boolean', short: 'r' },
  'skip-existing': { type: 'boolean' }, collision: { type: 'string' }, 'bit-depth': { type: 'string' },
  'no-metadata': { type: 'boolean' }, 'kernel-map': { type: 'boolean' }, report: { type: 'string' },
  model: { type: 'string' }, 'analysis-model': { type: 'string' }, threads: { type: 'string' }, workers: { type: 'string' }, shard: { type: 'string' }, grid: { type: 'string' },
  'no-resume': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const

type Parsed = ReturnType<typeof parseCommand<typeof OPTIONS>>

function batchOptionsFrom(values: Parsed['values']): BatchOptions {
  const output = defaultOutputOptions()
  if (values.out !== undefined) output.dir = resolve(values.out)
  output.format = choiceFlag<FormatChoice>('format', values.format, ['same', ...OUTPUT_FORMATS]) ?? 'same'
  output.quality = intFlag('quality', values.quality, 1, 100)
  const depth = intFlag('bit-depth', values['bit-depth'], 8, 16)
  if (depth !== undefined && depth !== 8 && depth !== 16) throw new UsageError(`--bit-depth: expected 8 or 16, got ${depth}`)
  output.bitDepth = depth
  if (values.name !== undefined && values.suffix !== undefined) throw new UsageError('--name and --suffix: give one of them')
  output.nameTemplate = values.name ?? (values.suffix !== undefined ? `{name}${values.suffix}` : DEFAULT_TEMPLATE)
  try {
    validateTemplate(output.nameTemplate)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const collision = choiceFlag<CollisionPolicy>('collision', values.collision, COLLISION_POLICIES)
  if (values['skip-existing'] && collision && collision !== 'skip') throw new UsageError(`--skip-existing contradicts --collision ${collision}`)
  output.collision = values['skip-existing'] ? 'skip' : (collision ?? 'number')
  output.keepMetadata = !values['no-metadata']
  output.kernelMap = values['kernel-map'] ?? false
  const t = values.t === undefined || values.t === 'auto' ? 'auto' : intFlag('t', values.t, 0, 9999)!
  const settings: DeblurSettings = { t, tOffset: intFlag('t-offset', values['t-offset'], -999, 999) ?? 0 }
  const tile = intFlag('tile', values.tile, 32, 4096)
  if (tile !== undefined) settings.tile = tile
  const upscale = intFlag('upscale', values.upscale, 1, 2)
  if (upscale !== undefined) settings.upscale = upscale
  const options: BatchOptions = { output, settings, recursive: values.recursive ?? false, resume: !values['no-resume'] }
  const grid = intFlag('grid', values.grid, 1, 64)
  if (grid !== undefined) options.grid = grid
  if (values.shard !== undefined) {
    try {
      options.shard = parseShard(values.shard)
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
  }
  return options
}

/** `--t-offset -20` reads as the user meant (parseArgs would take -20 for a flag). */
function joinNegativeOffset(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1]
    if (argv[i] === '--t-offset' && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`--t-offset=${next}`)
      i++
    } else out.push(argv[i]!)
  }
  return out
}

/** Refuses an --out (or --report) folder we cannot write before any photo is processed. */
async function checkOutputFolder(dir: string, flag = '--out'): Promise<void> {
  try {
    await mkdir(dir, { recursive: true })
    const probe = join(dir, `.fidediff-write-test-${process.pid}.tmp`)
    await writeFile(probe, '')
    await rm(probe, { force: true })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'EROFS' || code === 'EACCES' || code === 'EPERM' ? 'the folder is read-only'
      : code === 'ENOTDIR' || code === 'EEXIST' ? 'a file is in the way of the folder'
      : code === 'ENOSPC' ? 'the disk is full' : `cannot write there (${code ?? String(error)})`
    throw new UsageError(`${flag} ${dir}: ${why}`)
  }
}

export async function runDeblurCommand(argv: string[], io: CliIO): Promise<number> {
  const say = (stream: Writable, text: string): void => void stream.write(text + '\n')
  let parsed: Parsed
  let options: BatchOptions
  let provider: ProviderChoice
  try {
    parsed = parseCommand(joinNegativeOffset(argv), OPTIONS)
    if (parsed.values.help) {
      say(io.stdout, DEBLUR_USAGE)
      return EXIT.ok
    }
    if (parsed.positionals.length === 0) throw new UsageError('no inputs: give photos or folders to deblur')
    options = batchOptionsFrom(parsed.values)
    provider = choiceFlag<ProviderChoice>('provider', parsed.values.provider, PROVIDER_CHOICES) ?? 'auto'
    const report = parsed.values.report
    if (report !== undefined && !['.json', '.csv'].includes(extname(report).toLowerCase()))
      throw new UsageError(`--report: the file must end in .json or .csv, got "${report}"`)
    if (options.output.dir) await checkOutputFolder(options.output.dir)
    if (report !== undefined) await checkOutputFolder(dirname(resolve(report)), '--report')
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    say(io.stderr, `fidediff deblur: ${error.message}\n(fidediff deblur --help lists the options)`)
    return EXIT.usage
  }

  let engine: DeblurEngine
  let analyzer: DeblurEngine | null = null
  try {
    const model = await chooseModel(parsed.values.model)
    const analysisModel = await chooseAnalysisModel(parsed.values['analysis-model'], model)
    if (options.output.kernelMap && model.manifest.kind !== 'fidediff' && analysisModel === null)
      throw new UsageError(
        `--kernel-map: ${model.manifest.id} is an image-to-image model and the kernel map comes from a fidediff model's estimator, ` +
          'but none is installed (pass --analysis-model DIR, or leave out --kernel-map)',
      )
    try {
      checkBatchSettings(model.manifest, options, analysisModel?.manifest ?? null)
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
    const threads = intFlag('threads', parsed.values.threads, 1, 1024)
    const workers = intFlag('workers', parsed.values.workers, 1, 64)
    const open = { provider, ...(threads === undefined ? {} : { threads }), ...(workers === undefined ? {} : { workers }) }
    engine = await DeblurEngine.open(model, open)
    try {
      if (analysisModel) analyzer = await DeblurEngine.open(analysisModel, open)
    } catch (error) {
      await engine.dispose()
      throw error
    }
  } catch (error) {
    say(io.stderr, `fidediff deblur: ${error instanceof Error ? error.message : String(error)}`)
    return EXIT.usage
  }
  if (engine.providerNote) say(io.stderr, `note: ${engine.providerNote}`)
  if (analyzer) say(io.stderr, `note: restoring with ${engine.model.manifest.id}; t̂ and kernels from ${analyzer.model.manifest.id}`)
  return runBatch(engine, analyzer, options, parsed.positionals, parsed.values.report, io)
}

async function runBatch(
  engine: DeblurEngine, analyzer: DeblurEngine | null, options: BatchOptions, inputs: string[], reportPath: string | undefined, io: CliIO,
): Promise<number> {
  const say = (stream: Writable, text: string): void => void stream.write(text + '\n')
  const queue = new BatchQueue(engine, options, { analyzer })
  const started = performance.now()
  const columns = (io.stderr as Writable & { columns?: number }).columns ?? 80
  let current: { name: string; done: number; total: number } | null = null
  let pausedText: string | null = null
  const draw = (): void => {
    if (io.isTTY) io.stderr.write(`\r\x1b[K${progressBar(queue.progress(), current, columns, pausedText)}`)
  }
  const above = (stream: Writable, text: string): void => {
    if (io.isTTY) io.stderr.write('\r\x1b[K')
    say(stream, text)
    draw()
  }
  queue.on('file-started', ({ file }) => ((current = { name: file.relativePath, done: 0, total: 0 }), draw()))
  queue.on('file-progress', (p) => current && ((current = { ...current, done: p.done, total: p.total }), draw()))
  queue.on('file-finished', ({ file }) => {
    const p = queue.progress()
    if (!io.isTTY) say(io.stdout, fileLine(file, p))
    else if (file.status === 'failed') above(io.stderr, fileLine(file, p))
    draw()
  })
  const waiting = new AbortController()
  queue.on('paused', ({ reason, message, path }) => {
    pausedText = 'paused: disk full'
    above(io.stderr, `${message} (waiting for free space; Ctrl-C stops)`)
    if (reason === 'no-space' && path) void waitForSpace(path, waiting.signal).then((ok) => ok && queue.resume())
  })
  queue.on('resumed', () => ((pausedText = null), above(io.stderr, 'resumed')))

  let interrupted = false
  const interrupt = (): void => {
    interrupted = true
    above(io.stderr, 'cancelling: the running photo stops within a tile, nothing partial is written')
    queue.cancel()
  }
  process.on('SIGINT', interrupt)
  process.on('SIGTERM', interrupt)
  try {
    const { found } = await queue.add(inputs)
    if (found === 0 && queue.files().length === 0) {
      say(io.stderr, 'fidediff deblur: no photos found in the inputs' + (options.recursive ? '' : ' (add --recursive for subfolders)'))
      return EXIT.usage
    }
    // an empty shard is normal (a job array larger than the shoot): exit 0 with an empty report
    const report = await queue.start()
    if (io.isTTY) io.stderr.write('\r\x1b[K')
    say(io.stdout, summaryLine(report, performance.now() - started))
    const failed = report.files.filter((f) => f.status === 'failed')
    if (failed.length) say(io.stderr, `failed:\n${failed.map((f) => `  ${f.reason ?? f.input}`).join('\n')}`)
    if (reportPath) {
      try {
        await writeReport(report, resolve(reportPath))
        say(io.stdout, `report: ${resolve(reportPath)}`)
      } catch (error) {
        say(io.stderr, `${reportPath}: cannot write the report (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
        return EXIT.someFailed
      }
    }
    if (interrupted) return EXIT.interrupted
    return failed.length || report.totals.cancelled ? EXIT.someFailed : EXIT.ok
  } finally {
    waiting.abort()
    process.off('SIGINT', interrupt)
    process.off('SIGTERM', interrupt)
    await Promise.all([engine.dispose(), analyzer?.dispose()])
  }
}
