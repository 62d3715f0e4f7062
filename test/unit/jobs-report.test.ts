import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildReport, mergeReports, readReport, reportToCsv, writeReport, type ReportRow } from '../../src/main/jobs/batch-report.ts'

const row = (input: string, status: ReportRow['status'], extra: Partial<ReportRow> = {}): ReportRow => ({
  input, relativePath: input.replace(/^\/shoot\//, ''), output: status === 'done' ? `${input}.out.jpg` : null, status,
  reason: status === 'failed' ? `${input}: the file is truncated or corrupt` : null, timeMs: 100, provider: 'cpu',
  tHatMean: 150.5, tHatMax: 200, resumed: false, ...extra,
})

let dir: string
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'jobs-report-'))))
afterAll(async () => rm(dir, { recursive: true, force: true }))

describe('batch report', () => {
  it('totals count each status and sum the times', () => {
    const r = buildReport([row('/shoot/a.jpg', 'done'), row('/shoot/b.jpg', 'failed'), row('/shoot/c.jpg', 'skipped')], { model: 'm', shard: null })
    expect(r.totals).toEqual({ files: 3, done: 1, failed: 1, skipped: 1, cancelled: 0, timeMs: 300 })
  })

  it('CSV quotes file names with commas and quotes so spreadsheets read them back', () => {
    const r = buildReport([row('/shoot/a, "b".jpg', 'failed')], { model: 'm', shard: null })
    const csv = reportToCsv(r)
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toBe('input,relativePath,output,status,reason,timeMs,provider,tHatMean,tHatMax,resumed')
    expect(lines[1]!.startsWith('"/shoot/a, ""b"".jpg",')).toBe(true)
    expect(lines[1]).toContain(',failed,')
    expect(lines[2]).toContain('totals')
  })

  it('shard reports merge into one with every photo once and recomputed totals', () => {
    const a = buildReport([row('/shoot/a.jpg', 'done'), row('/shoot/b.jpg', 'failed')], { model: 'm', shard: '1/2' })
    const b = buildReport([row('/shoot/c.jpg', 'done'), row('/shoot/b.jpg', 'done')], { model: 'm', shard: '2/2' })
    const merged = mergeReports([a, b])
    expect(merged.files.map((f) => f.input)).toEqual(['/shoot/a.jpg', '/shoot/b.jpg', '/shoot/c.jpg'])
    expect(merged.files[1]!.status).toBe('done') // a rerun that succeeded wins over the failure
    expect(merged.totals).toMatchObject({ files: 3, done: 3, failed: 0 })
    expect(merged.model).toBe('m')
  })

  it('a report written as JSON reads back; a non-report is refused naming the file', async () => {
    const r = buildReport([row('/shoot/a.jpg', 'done')], { model: 'm', shard: '1/1' })
    const path = join(dir, 'r.json')
    await writeReport(r, path)
    expect(await readReport(path)).toEqual(r)
    const bad = join(dir, 'not-a-report.json')
    await writeFile(bad, '{"hello": 1}')
    await expect(readReport(bad)).rejects.toThrow(/not-a-report\.json: not a fidediff batch report/)
    const text = join(dir, 'text.json')
    await writeFile(text, 'files,status\n')
    await expect(readReport(text)).rejects.toThrow(/text\.json: not a JSON report/)
    await expect(readReport(join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: cannot read the report \(ENOENT\)/)
  })

  it('a .csv report path writes CSV', async () => {
    const path = join(dir, 'r.csv')
    await writeReport(buildReport([row('/shoot/a.jpg', 'done')], { model: 'm', shard: null }), path)
    expect((await readFile(path, 'utf8')).split('\r\n')[1]).toMatch(/^\/shoot\/a\.jpg,a\.jpg,\/shoot\/a\.jpg\.out\.jpg,done,,100,cpu,150\.5,200,false$/)
  })
})
