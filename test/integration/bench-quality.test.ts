import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makePhotoCache } from './bench-photo-cache.ts'

const root = mkdtempSync(join(tmpdir(), 'bench-quality-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('npm run bench:quality', () => {
  it('writes PSNR, SSIM and t̂ tables for every row and blur level, with the machine and model named', () => {
    const cache = join(root, 'cache')
    makePhotoCache(cache)
    const out = join(root, 'results')
    const args = ['tsx', 'bench/quality.ts', '--count', '2', '--seed', '11', '--photos', cache, '--pairs', join(root, 'pairs')]
    args.push('--model', 'test/fixtures/models/fidediff-random', '--maxim', 'off', '--rl-iterations', '2', '--out', out, '--threads', '1')
    const stdout = execFileSync('npx', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    const report = readFileSync(join(out, 'quality.md'), 'utf8')
    expect(stdout).toBe(report)
    expect(report).toMatch(/Pairs: 2 × 512² from the val split, seed 11/)
    expect(report).toMatch(/FideDiff model: fidediff-random 1\.0\.0 .*provider cpu/)
    expect(report).toMatch(/Machine: .* Node v\d+/)
    expect(report).toMatch(/onnxruntime-node \d/)
    expect(report).toMatch(/Commit \S+/)
    expect(report).toContain('| method | n=5 (t=80) | n=7 (t=120) | n=9 (t=160) | n=11 (t=200) | n=13 (t=240) | n=15 (t=280) | all | s / pair |')
    for (const row of ['blurry input', 'Richardson–Lucy ×2, model\'s kernels', 'Richardson–Lucy ×2, true kernels (oracle)', 'FideDiff random (test) at t̂', 'FideDiff random (test) at true t', 'FideDiff random (test) at t = 200'])
      expect(report).toContain(`| ${row} |`)
    // two pairs: n = 5 and n = 7 measured, the other levels empty, "all" averages both
    const blurry = report.split('\n').find((l) => l.startsWith('| blurry input |'))!.split('|').map((c) => c.trim())
    expect(Number(blurry[2])).toBeGreaterThan(15)
    expect(blurry[4]).toBe('–')
    expect(report).toMatch(/\| t̂ MAE \| \d+\.\d \| \d+\.\d \| – \|/)
    // a rerun reuses the stored restorations instead of recomputing them
    const again = execFileSync('npx', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    expect(again.split('\n').filter((l) => l.startsWith('| FideDiff'))).toEqual(report.split('\n').filter((l) => l.startsWith('| FideDiff')))
    expect(existsSync(join(root, 'pairs', 'outputs', 'blurry', '000_n05.png'))).toBe(true)
  }, 600_000)
})
