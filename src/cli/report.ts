/**
 * `fidediff report --merge a.json b.json ... --out merged.json|.csv` (issue 5 §6): joins the
 * reports of the shards of one batch. Exit 0 when every photo is done or skipped, 1 when some
 * failed or were cancelled (or the merged report cannot be written), 2 on usage errors or
 * unreadable reports. Missing shards are named in a warning.
 */
import { extname, resolve } from 'node:path'
import type { Writable } from 'node:stream'
import { mergeReports, readReport, writeReport, type BatchReport } from '../main/jobs/index.ts'
import { EXIT, parseCommand, type CliIO } from './args.ts'


export const REPORT_USAGE = `usage: fidediff report --merge <report.json...> --out <merged.json|merged.csv>
  joins the JSON reports of \`fidediff deblur --shard K/N --report X.json\` runs; totals are recomputed`

export async function runReportCommand(argv: string[], io: CliIO): Promise<number> {
  const say = (stream: Writable, text: string): void => void stream.write(text + '\n')
  const usage = (message: string): number => {
    say(io.stderr, `fidediff report: ${message}\n${REPORT_USAGE}`)
    return EXIT.usage
  }
  let values: { merge?: boolean; out?: string; help?: boolean }
  let positionals: string[]
  try {
    ;({ values, positionals } = parseCommand(argv, {
      merge: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    }))
  } catch (error) {
    return usage((error as Error).message)
  }
  if (values.help) {
    say(io.stdout, REPORT_USAGE)
    return EXIT.ok
  }
  if (!values.merge) return usage('--merge is required (the only report action so far)')
  if (positionals.length === 0) return usage('no reports to merge')
  if (!values.out) return usage('--out FILE is required')
  if (!['.json', '.csv'].includes(extname(values.out).toLowerCase())) return usage(`--out: the file must end in .json or .csv, got "${values.out}"`)

  const reports: BatchReport[] = []
  for (const path of positionals) {
    try {
      reports.push(await readReport(resolve(path)))
    } catch (error) {
      say(io.stderr, `fidediff report: ${(error as Error).message}`)
      return EXIT.usage
    }
  }
  const shards = reports.map((r) => r.shard).filter((s): s is string => s !== null)
  const counts = new Set(shards.map((s) => s.split('/')[1]))
  if (counts.size > 1) say(io.stderr, `warning: the reports come from different shard counts (${[...new Set(shards)].join(', ')})`)
  const expected = counts.size === 1 ? Number([...counts][0]) : null
  if (expected !== null && new Set(shards).size < expected)
    say(io.stderr, `warning: ${new Set(shards).size} of ${expected} shards merged (missing: ${missingShards(shards, expected).join(', ')})`)

  const merged = mergeReports(reports)
  const out = resolve(values.out)
  try {
    await writeReport(merged, out)
  } catch (error) {
    say(io.stderr, `fidediff report: ${out}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
    return EXIT.someFailed
  }
  const t = merged.totals
  say(io.stdout, `${reports.length} reports merged into ${out}: ${t.files} photos, ${t.done} done, ${t.failed} failed, ${t.skipped} skipped, ${t.cancelled} cancelled`)
  return t.failed || t.cancelled ? EXIT.someFailed : EXIT.ok
}

function missingShards(shards: string[], count: number): string[] {
  const have = new Set(shards.map((s) => Number(s.split('/')[0])))
  return Array.from({ length: count }, (_, i) => i + 1).filter((k) => !have.has(k)).map((k) => `${k}/${count}`)
}
