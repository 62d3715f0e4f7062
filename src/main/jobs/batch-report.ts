/**
 * The batch report (issue 5 §4): one row per file — input, output, status, reason, time,
 * provider, mean and max t̂ — and totals; JSON or CSV. Shard reports join with mergeReports().
 */
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from './atomic-file.ts'
import type { BatchFileState } from './batch-types.ts'

export const REPORT_SCHEMA_ID = 'fidediff-batch-report/1'

const rowSchema = z.object({
  input: z.string(),
  relativePath: z.string(),
  output: z.string().nullable(),
  status: z.enum(['queued', 'running', 'done', 'failed', 'skipped', 'cancelled']),
  reason: z.string().nullable(),
  timeMs: z.number().nonnegative(),
  provider: z.string().nullable(),
  tHatMean: z.number().nullable(),
  tHatMax: z.number().nullable(),
  resumed: z.boolean(),
})
export type ReportRow = z.infer<typeof rowSchema>

const totalsSchema = z.object({
  files: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  cancelled: z.number().int(),
  /** sum of the files' times (shards run in parallel, so not wall time) */
  timeMs: z.number().nonnegative(),
})
export type ReportTotals = z.infer<typeof totalsSchema>

export const batchReportSchema = z.object({
  schema: z.literal(REPORT_SCHEMA_ID),
  model: z.string().nullable(),
  shard: z.string().nullable(),
  createdAt: z.string(),
  files: z.array(rowSchema),
  totals: totalsSchema,
})
export type BatchReport = z.infer<typeof batchReportSchema>

export function reportRow(file: BatchFileState): ReportRow {
  return {
    input: file.input,
    relativePath: file.relativePath,
    output: file.output,
    status: file.status,
    reason: file.reason,
    timeMs: Math.round(file.elapsedMs),
    provider: file.provider,
    tHatMean: file.tHatMean,
    tHatMax: file.tHatMax,
    resumed: file.resumed,
  }
}

export function totalsOf(rows: readonly ReportRow[]): ReportTotals {
  const count = (s: ReportRow['status']): number => rows.filter((r) => r.status === s).length
  return {
    files: rows.length,
    done: count('done'),
    failed: count('failed'),
    skipped: count('skipped'),
    cancelled: count('cancelled'),
    timeMs: rows.reduce((sum, r) => sum + r.timeMs, 0),
  }
}

export function buildReport(rows: ReportRow[], meta: { model: string | null; shard: string | null }): BatchReport {
  return { schema: REPORT_SCHEMA_ID, ...meta, createdAt: new Date().toISOString(), files: rows, totals: totalsOf(rows) }
}

const CSV_COLUMNS = ['input', 'relativePath', 'output', 'status', 'reason', 'timeMs', 'provider', 'tHatMean', 'tHatMax', 'resumed'] as const

function csvCell(value: string | number | boolean | null): string {
  if (value === null) return ''
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** RFC 4180 CSV, one row per file, then a totals line whose `status` cell reads `totals`. */
export function reportToCsv(report: BatchReport): string {
  const lines = [CSV_COLUMNS.join(',')]
  for (const row of report.files) lines.push(CSV_COLUMNS.map((c) => csvCell(row[c])).join(','))
  const t = report.totals
  lines.push(['', '', '', 'totals', `files=${t.files} done=${t.done} failed=${t.failed} skipped=${t.skipped} cancelled=${t.cancelled}`, t.timeMs, '', '', '', ''].map(csvCell).join(','))
  return lines.join('\r\n') + '\r\n'
}

/** Writes JSON, or CSV when the path ends in .csv; atomically. */
export async function writeReport(report: BatchReport, path: string): Promise<void> {
  const text = extname(path).toLowerCase() === '.csv' ? reportToCsv(report) : JSON.stringify(report, null, 2) + '\n'
  await writeFileAtomic(path, text)
}

export async function readReport(path: string): Promise<BatchReport> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new Error(`${path}: cannot read the report (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new Error(`${path}: not a JSON report (only the JSON reports of \`fidediff deblur --report X.json\` can be merged)`)
  }
  const parsed = batchReportSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`${path}: not a fidediff batch report (${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'})`)
  }
  return parsed.data
}

const STATUS_RANK: Record<ReportRow['status'], number> = { done: 5, skipped: 4, failed: 3, cancelled: 2, running: 1, queued: 0 }

/**
 * Joins shard reports into one. Shards are disjoint, but a file that appears twice (a shard
 * rerun, overlapping inputs) is listed once: the better outcome wins (done over failed).
 */
export function mergeReports(reports: readonly BatchReport[]): BatchReport {
  const byInput = new Map<string, ReportRow>()
  for (const report of reports)
    for (const row of report.files) {
      const seen = byInput.get(row.input)
      if (!seen || STATUS_RANK[row.status] > STATUS_RANK[seen.status]) byInput.set(row.input, row)
    }
  const rows = [...byInput.values()].sort((a, b) => (a.input < b.input ? -1 : a.input > b.input ? 1 : 0))
  const models = [...new Set(reports.map((r) => r.model).filter((m): m is string => m !== null))]
  return buildReport(rows, { model: models.length === 1 ? models[0]! : models.length ? models.join(', ') : null, shard: null })
}
