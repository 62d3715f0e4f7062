/**
 * `fidediff deblur` and `fidediff report --merge` as a user runs them, in-process, on real
 * photos with the real engine and the tiny random fidediff test model.
 */
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDeblurCommand } from '../../src/cli/deblur.ts'
import { runReportCommand } from '../../src/cli/report.ts'
import type { BatchReport } from '../../src/main/jobs/index.ts'
import { listFiles, makePhoto, makeShoot, snapshot, type Shoot, runCli } from './batch-fixtures.ts'

const MODEL = 'test/fixtures/models/fidediff-random'
let work: string
let shoot: Shoot

const deblur = (...args: string[]) => runCli(runDeblurCommand, [...args, '--model', MODEL, '--provider', 'cpu', '--threads', '1'])
const readJson = async (path: string): Promise<BatchReport> => JSON.parse(await readFile(path, 'utf8')) as BatchReport

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-deblur-'))
  shoot = await makeShoot(join(work, 'shoot'))
})
afterAll(async () => rm(work, { recursive: true, force: true }))

describe('fidediff deblur', () => {
  it('a folder tree with broken photos: exit 1, good photos written, each failure named with its reason, originals byte-identical', async () => {
    const before = await snapshot(shoot.root)
    const out = join(work, 'out')
    const r = await deblur(shoot.root, '--recursive', '--out', out, '--report', join(work, 'report.json'))
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/23 photos: 20 done, 3 failed, 0 skipped/)
    for (const bad of shoot.broken) expect(r.stderr).toContain(bad)
    expect(r.stderr).toMatch(/truncated\.jpg: .*(truncated|corrupt)/)
    const report = await readJson(join(work, 'report.json'))
    expect(report.totals).toMatchObject({ files: 23, done: 20, failed: 3 })
    const outputs = (await listFiles(out)).filter((f) => !f.startsWith('.'))
    expect(outputs).toHaveLength(20)
    for (const good of shoot.good) {
      const expected = relative(shoot.root, good).replace(/\.(\w+)$/, '_deblurred.$1')
      expect(outputs).toContain(expected)
      const meta = await sharp(join(out, expected)).metadata()
      expect([meta.width, meta.height]).toEqual([96, 64])
    }
    expect(await snapshot(shoot.root)).toEqual(before)
  })

  it('by default writes <name>_deblurred.<ext> beside each photo; --suffix, --format, --bit-depth and --kernel-map change what is written', async () => {
    const dir = join(work, 'beside')
    await makePhoto(join(dir, 'street.jpg'), 3)
    expect((await deblur(join(dir, 'street.jpg'))).code).toBe(0)
    expect((await sharp(join(dir, 'street_deblurred.jpg')).metadata()).format).toBe('jpeg')

    const r = await deblur(dir, '--suffix', '_sharp', '--format', 'png', '--bit-depth', '16', '--kernel-map', '--no-metadata', '--report', join(dir, 'r.csv'))
    expect(r.code).toBe(0)
    const meta = await sharp(join(dir, 'street_sharp.png')).metadata()
    expect([meta.format, meta.depth, meta.exif]).toEqual(['png', 'ushort', undefined])
    const sidecar = JSON.parse(await readFile(join(dir, 'street_sharp.kernels.json'), 'utf8')) as {
      regions: { tHat: number; kernel: number[]; directionDeg: number; lengthPx: number }[]; kernelSize: number
    }
    expect(sidecar.kernelSize).toBe(19)
    expect(sidecar.regions.length).toBeGreaterThan(0)
    for (const region of sidecar.regions) {
      expect(region.kernel).toHaveLength(361)
      expect(region.kernel.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3)
      expect(region.directionDeg).toBeGreaterThanOrEqual(0)
    }
    expect((await sharp(join(dir, 'street_sharp.kernels.png')).metadata()).format).toBe('png')
    const csv = (await readFile(join(dir, 'r.csv'), 'utf8')).trim().split('\r\n')
    expect(csv).toHaveLength(3) // header, street.jpg, totals — the earlier output is not taken as an input
    expect(csv[1]).toMatch(/street\.jpg,.*street_sharp\.png,done,/)
  })

  it('--name fills {t} with the timestep the photo was restored at, {model} with the model id', async () => {
    const dir = join(work, 'named')
    await makePhoto(join(dir, 'p.jpg'), 4)
    expect((await deblur(join(dir, 'p.jpg'), '--t', '150', '--t-offset', '-20', '--name', '{name}_t{t}_{model}')).code).toBe(0)
    expect(await listFiles(dir)).toContain('p_t130_fidediff-random.jpg')
    expect((await deblur(join(dir, 'p.jpg'), '--name', '{name}_auto{t}', '--format', 'webp')).code).toBe(0)
    expect((await listFiles(dir)).some((f) => /^p_auto\d+\.webp$/.test(f))).toBe(true)
  })

  it('--skip-existing skips photos whose output exists instead of redoing them', async () => {
    const dir = join(work, 'skip')
    await makePhoto(join(dir, 'a.png'), 1)
    await writeFile(join(dir, 'a_deblurred.png'), 'someone else made this')
    const r = await deblur(join(dir, 'a.png'), '--skip-existing')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/skipped .*a_deblurred\.png already exists/)
    expect(await readFile(join(dir, 'a_deblurred.png'), 'utf8')).toBe('someone else made this')
  })

  it('usage errors exit 2 and say what is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [[shoot.root, '--bogus'], /Unknown option '--bogus'/],
      [[shoot.root, '--quality', '300'], /--quality must be a whole number from 1 to 100/],
      [[shoot.root, '--format', 'bmp'], /--format must be one of same, jpeg/],
      [[shoot.root, '--shard', '4/3'], /--shard: K must be between 1 and N/],
      [[shoot.root, '--name', '{nmae}'], /--name: unknown field \{nmae\}/],
      [[shoot.root, '--report', 'r.txt'], /--report: the file must end in \.json or \.csv/],
      [[shoot.root, '--suffix', '_x', '--name', '{name}_y'], /--name and --suffix/],
      [[shoot.root, '--t', '5000'], /fidediff-random: timestep t must be from 0 to 999, got 5000/],
      [[shoot.root, '--tile', '64'], /fidediff-random: tile size 64 is too small .* use at least 72/],
      [[], /no inputs/],
      [[join(work, 'empty-folder')], /no photos found/],
    ]
    await mkdir(join(work, 'empty-folder'), { recursive: true })
    for (const [args, message] of cases) {
      const r = await deblur(...args)
      expect({ args, code: r.code }).toEqual({ args, code: 2 })
      expect(r.stderr).toMatch(message)
    }
    const noModel = await runCli(runDeblurCommand, [shoot.root, '--model', join(work, 'nowhere')])
    expect(noModel.code).toBe(2)
    expect(noModel.stderr).toMatch(/no model/)
  })

  it('an --out or --report folder that cannot be written is refused before any photo is processed', async () => {
    const blocker = join(work, 'a-file')
    await writeFile(blocker, 'x')
    const r = await deblur(shoot.root, '-r', '--out', join(blocker, 'out'))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--out .*a-file\/out: a file is in the way of the folder/)
    const report = await deblur(shoot.root, '-r', '--report', join(blocker, 'r.json'))
    expect(report.code).toBe(2)
    expect(report.stderr).toMatch(/--report .*a-file: a file is in the way of the folder/)
  })

  it('an --out folder on a read-only file system is refused clearly', async (ctx) => {
    const ro = join(work, 'ro')
    await mkdir(ro)
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro], { stdio: 'ignore' })
    } catch {
      return ctx.skip('mount not permitted here: cannot make a read-only folder')
    }
    try {
      const r = await deblur(shoot.root, '-r', '--out', ro)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/--out .*ro: the folder is read-only/)
    } finally {
      execFileSync('umount', ['-l', ro])
    }
  })

  it('shards 1/3, 2/3 and 3/3 together deblur every photo exactly once, and report --merge joins them', async () => {
    const out = join(work, 'sharded')
    const reports: string[] = []
    for (let k = 1; k <= 3; k++) {
      const path = join(work, `shard-${k}.json`)
      const r = await deblur(shoot.root, '-r', '--out', out, '--shard', `${k}/3`, '--report', path)
      expect([0, 1]).toContain(r.code)
      reports.push(path)
    }
    const perShard = await Promise.all(reports.map(readJson))
    const inputs = perShard.flatMap((r) => r.files.map((f) => f.input))
    expect(inputs.slice().sort()).toEqual([...shoot.good, ...shoot.broken].sort())
    expect(new Set(inputs).size).toBe(inputs.length)
    expect(perShard.every((r) => r.files.length < 23)).toBe(true)
    expect((await listFiles(out)).filter((f) => !f.startsWith('.') && !f.includes('/.'))).toHaveLength(20)

    const merged = join(work, 'merged.json')
    const m = await runCli(runReportCommand, ['--merge', ...reports, '--out', merged])
    expect(m.code).toBe(1) // the broken photos failed
    expect(m.stdout).toMatch(/3 reports merged .*23 photos, 20 done, 3 failed/)
    expect((await readJson(merged)).totals).toMatchObject({ files: 23, done: 20, failed: 3 })
    const partial = await runCli(runReportCommand, ['--merge', reports[0]!, reports[1]!, '--out', join(work, 'partial.csv')])
    expect(partial.stderr).toMatch(/2 of 3 shards merged \(missing: 3\/3\)/)
    const bad = await runCli(runReportCommand, ['--merge', join(work, 'a-file'), '--out', merged])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/a-file: not a JSON report/)
  })
})
