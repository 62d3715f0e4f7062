/**
 * Batch progress in words: the CLI's bar and lines, and status text the app may reuse.
 * Pure functions of the queue's events.
 */
import type { BatchFileState, BatchProgress } from './batch-types.ts'
import type { BatchReport } from './batch-report.ts'

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?'
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = s % 60
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(rest).padStart(2, '0')} s`
}

/** One line for a TTY, redrawn in place: `[#####.....]  12/40  30%  ETA 1 min 20 s  a.jpg 3/8`. */
export function progressBar(
  progress: BatchProgress,
  current: { name: string; done: number; total: number } | null,
  columns: number,
  paused: string | null,
): string {
  const width = 24
  const filled = Math.round(progress.fraction * width)
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
  const pct = `${Math.floor(progress.fraction * 100)}%`.padStart(4)
  const eta = paused ? paused : progress.etaMs === null ? 'ETA …' : `ETA ${formatDuration(progress.etaMs)}`
  const file = current && !paused ? `  ${current.name}${current.total ? ` ${current.done}/${current.total}` : ''}` : ''
  const line = `${bar} ${progress.finished}/${progress.total} ${pct}  ${eta}${file}`
  return line.length > columns - 1 ? line.slice(0, Math.max(10, columns - 2)) + '…' : line
}

const LABEL: Record<BatchFileState['status'], string> = {
  done: 'done', failed: 'FAILED', skipped: 'skipped', cancelled: 'cancelled', queued: 'queued', running: 'running',
}

/** One line per finished file for logs. Failed lines carry the reason (it names the file). */
export function fileLine(file: BatchFileState, position: { finished: number; total: number }): string {
  const head = `[${String(position.finished).padStart(String(position.total).length)}/${position.total}] ${LABEL[file.status].padEnd(9)}`
  if (file.status === 'done') {
    const t = file.tHatMean === null ? '' : `, t̂ mean ${file.tHatMean} max ${file.tHatMax}`
    const how = file.resumed ? 'finished earlier (journal)' : `${formatDuration(file.elapsedMs)}, ${file.provider ?? '?'}${t}`
    return `${head} ${file.input} -> ${file.output} (${how})`
  }
  return `${head} ${file.reason ?? file.input}`
}

export function summaryLine(report: BatchReport, wallMs: number): string {
  const t = report.totals
  const parts = [`${t.done} done`, `${t.failed} failed`, `${t.skipped} skipped`]
  if (t.cancelled) parts.push(`${t.cancelled} cancelled`)
  return `${t.files} photo${t.files === 1 ? '' : 's'}: ${parts.join(', ')} in ${formatDuration(wallMs)}`
}
