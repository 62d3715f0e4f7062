import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultOutputOptions } from '../../src/main/jobs/batch-options.ts'
import type { BatchInput } from '../../src/main/jobs/batch-types.ts'
import { canonicalPath, plannedOutputPath, renderTemplate, resolveCollision, validateTemplate, type CollisionContext } from '../../src/main/jobs/output-plan.ts'
import { formatDuration, progressBar } from '../../src/main/jobs/progress-text.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jobs-output-plan-'))
  await mkdir(join(dir, 'in'))
  for (const f of ['in/a.jpg', 'in/a_deblurred.jpg', 'in/b.png', 'in/b_deblurred.png', 'in/b_deblurred_1.png']) await writeFile(join(dir, f), 'x')
  await symlink(join(dir, 'in'), join(dir, 'in-link'))
})
afterAll(async () => rm(dir, { recursive: true, force: true }))

const input = (relativePath: string, root = join(dir, 'in')): BatchInput => ({ path: join(root, relativePath), root, relativePath })
const values = { t: '200', date: '2026-11-26', model: 'fidediff-tiny' }

describe('output names', () => {
  it('the template fills {name} {ext} {t} {date} {model} and refuses unknown fields and folders', () => {
    expect(renderTemplate('{name}_{ext}_t{t}_{date}_{model}', { name: 'IMG_1', ext: 'jpg', ...values })).toBe('IMG_1_jpg_t200_2026-11-26_fidediff-tiny')
    expect(() => validateTemplate('{name}_{time}')).toThrow(/unknown field \{time\}/)
    expect(() => validateTemplate('sub/{name}')).toThrow(/without folders/)
    expect(() => validateTemplate('')).toThrow(/empty/)
  })

  it('outputs go beside the input by default, or below --out mirroring the input folders', () => {
    const out = defaultOutputOptions()
    expect(plannedOutputPath(input('day1/IMG_1.JPG'), out, values)).toBe(join(dir, 'in/day1/IMG_1_deblurred.jpg'))
    expect(plannedOutputPath(input('day1/IMG_1.JPG'), { ...out, dir: '/exports' }, values)).toBe('/exports/day1/IMG_1_deblurred.jpg')
    expect(plannedOutputPath(input('x.tiff'), { ...out, format: 'webp' }, values)).toBe(join(dir, 'in/x_deblurred.webp'))
  })

  it('"same format" writes what the input was, and a format we cannot write becomes the closest one', () => {
    const out = defaultOutputOptions()
    expect(plannedOutputPath(input('anim.gif'), out, values)).toMatch(/anim_deblurred\.png$/)
    expect(plannedOutputPath(input('phone.HEIC'), out, values)).toMatch(/phone_deblurred\.jpg$/)
    expect(plannedOutputPath(input('scan.tif'), out, values)).toMatch(/scan_deblurred\.tif$/)
  })
})

describe('collision policy', () => {
  const ctx = async (policy: CollisionContext['policy'], own: string, extra: Partial<CollisionContext> = {}): Promise<CollisionContext> => ({
    policy,
    ownInput: await canonicalPath(join(dir, own)),
    allInputs: new Set([await canonicalPath(join(dir, 'in/a.jpg')), await canonicalPath(join(dir, 'in/b.png'))]),
    claimed: new Set(),
    ...extra,
  })

  it('an existing earlier output is skipped, overwritten or numbered past every taken number', async () => {
    const target = join(dir, 'in/b_deblurred.png')
    expect(await resolveCollision(target, await ctx('skip', 'in/b.png'))).toMatchObject({ action: 'skip', reason: 'b_deblurred.png already exists' })
    expect(await resolveCollision(target, await ctx('overwrite', 'in/b.png'))).toEqual({ action: 'write', path: target })
    expect(await resolveCollision(target, await ctx('number', 'in/b.png'))).toEqual({ action: 'write', path: join(dir, 'in/b_deblurred_2.png') })
  })

  it('the input itself is never an output, whatever the policy, also through a symlinked folder', async () => {
    for (const policy of ['skip', 'overwrite', 'number'] as const) {
      const decision = await resolveCollision(join(dir, 'in-link/a.jpg'), await ctx(policy, 'in/a.jpg'))
      expect(decision).toMatchObject({ action: 'refuse', reason: expect.stringMatching(/the output name is the input itself/) as unknown as string })
    }
  })

  it('another input of the batch is never overwritten; numbering steps around it', async () => {
    const c = await ctx('overwrite', 'in/b.png')
    expect(await resolveCollision(join(dir, 'in/a.jpg'), c)).toMatchObject({ action: 'refuse', reason: 'a.jpg is an input of this batch and is never overwritten' })
    expect(await resolveCollision(join(dir, 'in/a.jpg'), await ctx('number', 'in/b.png'))).toEqual({ action: 'write', path: join(dir, 'in/a_1.jpg') })
  })

  it('two photos of one batch never share an output, even with overwrite; a photo may replace its own unfinished output', async () => {
    const target = join(dir, 'in/new.png')
    const claimed = new Set([await canonicalPath(target)])
    expect(await resolveCollision(target, await ctx('overwrite', 'in/b.png', { claimed }))).toEqual({ action: 'write', path: join(dir, 'in/new_1.png') })
    const own = join(dir, 'in/b_deblurred.png')
    expect(await resolveCollision(own, await ctx('number', 'in/b.png', { ownEarlierOutput: own }))).toEqual({ action: 'write', path: own })
  })
})

describe('progress text', () => {
  it('durations read like a person would say them', () => {
    expect([formatDuration(450), formatDuration(2_340), formatDuration(75_000), formatDuration(3_725_000)]).toEqual(['450 ms', '2.3 s', '1 min 15 s', '1 h 02 min'])
  })

  it('the bar shows files, percent, ETA and the running photo within the terminal width', () => {
    const p = { batchId: 'b', total: 40, finished: 12, counts: { queued: 27, running: 1, done: 11, failed: 1, skipped: 0, cancelled: 0 }, fraction: 0.3125, elapsedMs: 1000, etaMs: 80_000 }
    const line = progressBar(p, { name: 'day1/a.jpg', done: 3, total: 8 }, 120, null)
    expect(line).toBe('[########................] 12/40  31%  ETA 1 min 20 s  day1/a.jpg 3/8')
    expect(progressBar(p, { name: 'x'.repeat(200), done: 1, total: 2 }, 60, null).length).toBeLessThanOrEqual(60)
    expect(progressBar(p, null, 120, 'paused: disk full')).toContain('paused: disk full')
  })
})
