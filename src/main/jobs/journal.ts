/**
 * The batch journal (issue 5 §3): JSON lines beside the outputs, fsync'd per line. A 'start'
 * line names the output a photo is about to get, a 'done' line records it finished with the
 * sha256 of input and output. Rerunning the same batch skips photos whose 'done' line still
 * matches both hashes, and lets a photo that was started but not finished reuse its own name.
 * A line torn by kill -9 is ignored. Each shard appends to its own file, all are read.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, readdir, readFile } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { z } from 'zod'
import type { ReportRow } from './batch-report.ts'

export const JOURNAL_PREFIX = '.fidediff-journal'

export const journalFileName = (shard?: { index: number; count: number }): string =>
  shard && shard.count > 1 ? `${JOURNAL_PREFIX}.shard-${shard.index}-of-${shard.count}.jsonl` : `${JOURNAL_PREFIX}.jsonl`

const baseEntry = {
  v: z.literal(1),
  input: z.string(),
  inputHash: z.string(),
  /** fingerprint of model + settings + output options: another batch is not this batch */
  settings: z.string(),
  /** relative to the journal's folder */
  output: z.string(),
  at: z.string(),
}
const startSchema = z.object({ ...baseEntry, type: z.literal('start') })
const doneSchema = z.object({
  ...baseEntry,
  type: z.literal('done'),
  outputHash: z.string(),
  sidecars: z.array(z.string()),
  row: z.record(z.string(), z.unknown()),
})
const entrySchema = z.discriminatedUnion('type', [startSchema, doneSchema])
export type JournalEntry = z.infer<typeof entrySchema>
export type JournalDone = z.infer<typeof doneSchema>

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

export interface JournalKey {
  input: string
  inputHash: string
  settings: string
}

export class BatchJournal {
  readonly dir: string
  readonly path: string
  #entries: JournalEntry[]

  private constructor(dir: string, fileName: string, entries: JournalEntry[]) {
    this.dir = dir
    this.path = join(dir, fileName)
    this.#entries = entries
  }

  /** Reads every journal in `dir` (all shards); a missing folder is an empty journal. */
  static async load(dir: string, fileName: string): Promise<BatchJournal> {
    const entries: JournalEntry[] = []
    const names = await readdir(dir).catch(() => [] as string[])
    for (const name of names.filter((n) => n.startsWith(JOURNAL_PREFIX) && n.endsWith('.jsonl')).sort()) {
      const text = await readFile(join(dir, name), 'utf8').catch(() => '')
      for (const line of text.split('\n')) {
        if (!line.trim()) continue
        try {
          const parsed = entrySchema.safeParse(JSON.parse(line))
          if (parsed.success) entries.push(parsed.data)
        } catch {
          // a line torn by a crash: the photo it described is simply done again
        }
      }
    }
    return new BatchJournal(dir, fileName, entries)
  }

  absolute(output: string): string {
    return isAbsolute(output) ? output : resolve(this.dir, output)
  }

  #matches(e: JournalEntry, key: JournalKey): boolean {
    return e.input === key.input && e.inputHash === key.inputHash && e.settings === key.settings
  }

  /** The latest 'done' line of this photo in this batch. */
  findDone(key: JournalKey): JournalDone | undefined {
    return this.#entries.findLast((e): e is JournalDone => e.type === 'done' && this.#matches(e, key))
  }

  /** The output a started-but-unfinished run chose for this photo, if any. */
  findUnfinishedOutput(key: JournalKey): string | null {
    const last = this.#entries.findLast((e) => this.#matches(e, key))
    return last?.type === 'start' ? this.absolute(last.output) : null
  }

  /** Every output and sidecar this journal records, absolute: never inputs of a later run. */
  recordedOutputs(): ReadonlySet<string> {
    if (!this.#outputs) {
      this.#outputs = new Set()
      for (const e of this.#entries) this.#addOutputs(e)
    }
    return this.#outputs
  }

  #outputs: Set<string> | null = null

  #addOutputs(e: JournalEntry): void {
    this.#outputs?.add(this.absolute(e.output))
    if (e.type === 'done') for (const s of e.sidecars) this.#outputs?.add(this.absolute(s))
  }

  async recordStart(key: JournalKey, output: string): Promise<void> {
    await this.#append({ v: 1, type: 'start', ...key, output: relative(this.dir, output), at: new Date().toISOString() })
  }

  async recordDone(key: JournalKey, output: string, outputHash: string, sidecars: string[], row: ReportRow): Promise<void> {
    await this.#append({
      v: 1,
      type: 'done',
      ...key,
      output: relative(this.dir, output),
      outputHash,
      sidecars: sidecars.map((s) => relative(this.dir, s)),
      row: { ...row },
      at: new Date().toISOString(),
    })
  }

  async #append(entry: JournalEntry): Promise<void> {
    const handle = await open(this.path, 'a+')
    try {
      const { size } = await handle.stat()
      let prefix = ''
      if (size > 0) {
        const last = Buffer.alloc(1)
        await handle.read(last, 0, 1, size - 1)
        if (last[0] !== 0x0a) prefix = '\n' // end a line torn by kill -9 before writing ours
      }
      await handle.appendFile(`${prefix}${JSON.stringify(entry)}\n`)
      await handle.sync()
    } finally {
      await handle.close()
    }
    this.#entries.push(entry)
    this.#addOutputs(entry)
  }
}

/** One journal per output folder (the --out folder, or each input's folder), loaded once. */
export class JournalSet {
  readonly #fileName: string
  readonly #journals = new Map<string, Promise<BatchJournal>>()

  constructor(fileName: string) {
    this.#fileName = fileName
  }

  for(dir: string): Promise<BatchJournal> {
    const key = resolve(dir)
    let journal = this.#journals.get(key)
    if (!journal) {
      journal = BatchJournal.load(key, this.#fileName)
      this.#journals.set(key, journal)
    }
    return journal
  }
}
