import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePhotoCache } from '../integration/bench-photo-cache.ts'

const root = mkdtempSync(join(tmpdir(), 'pairs-test-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const cache = join(root, 'cache')
const { valIds, trainId } = makePhotoCache(cache)

function makePairs(out: string, seed: number, count: number): void {
  execFileSync('/usr/bin/python3', ['bench/make_pairs.py', '--cache', cache, '--out', out, '--seed', String(seed), '--count', String(count)], {
    stdio: 'pipe',
  })
}
const files = (dir: string) => readdirSync(dir).sort()

describe('benchmark pairs (bench/make_pairs.py)', () => {
  const a = join(root, 'a')
  const b = join(root, 'b')
  const c = join(root, 'c')
  let manifest: {
    size: number
    split: string
    pairs: { id: string; photo: string; n: number; t: number; blurry: string; sharp: string }[]
  }
  beforeAll(() => {
    makePairs(a, 6, 6)
    makePairs(b, 6, 6)
    makePairs(c, 7, 2)
    manifest = JSON.parse(readFileSync(join(a, 'pairs.json'), 'utf8')) as typeof manifest
  }, 180_000)

  it('gives the same bytes for the same seed, so published numbers can be reproduced', () => {
    expect(files(a)).toEqual(files(b))
    for (const f of files(a)) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true)
  })

  it('gives different blur for a different seed', () => {
    const first = manifest.pairs[0]!.blurry
    expect(readFileSync(join(c, first)).equals(readFileSync(join(a, first)))).toBe(false)
  })

  it('covers every blur level n = 5…15 with t = (n − 1) × 20', () => {
    expect(manifest.pairs.map((p) => p.n)).toEqual([5, 7, 9, 11, 13, 15])
    for (const p of manifest.pairs) expect(p.t).toBe((p.n - 1) * 20)
  })

  it('uses val photos only, never a train photo nor one too small for a full crop', () => {
    expect(manifest.split).toBe('val')
    for (const p of manifest.pairs) expect(valIds).toContain(p.photo)
    expect(manifest.pairs.map((p) => p.photo)).not.toContain(trainId)
  })

  it('writes 512×512 RGB PNGs whose blurry side differs from the sharp side', () => {
    for (const p of manifest.pairs.slice(0, 2)) {
      const blurry = readFileSync(join(a, p.blurry))
      const sharp = readFileSync(join(a, p.sharp))
      expect(blurry.readUInt32BE(16)).toBe(512) // IHDR width
      expect(blurry.readUInt32BE(20)).toBe(512) // IHDR height
      expect(sharp.readUInt32BE(16)).toBe(512)
      expect(blurry.equals(sharp)).toBe(false)
    }
  })

  it('says which cache file is missing instead of crashing', () => {
    const empty = join(root, 'empty')
    mkdirSync(empty)
    const r = spawnSync('/usr/bin/python3', ['bench/make_pairs.py', '--cache', empty, '--out', join(root, 'never'), '--count', '1'], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(join(empty, 'photos', 'index.json'))
  })

  it('refuses a cache without any val photo large enough, naming the index', () => {
    const small = join(root, 'small')
    mkdirSync(join(small, 'photos'), { recursive: true })
    writeFileSync(join(small, 'photos', 'index.json'), JSON.stringify([]))
    const r = spawnSync('/usr/bin/python3', ['bench/make_pairs.py', '--cache', small, '--out', join(root, 'never2'), '--count', '1'], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/index\.json: no 'val' photos of at least 512 px/)
  })
})
