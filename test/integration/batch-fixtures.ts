/**
 * Fixture shoots for the batch tests, generated with the real sharp at test time: tiny
 * photos (96×64) in nested folders with broken, hidden and non-photo files mixed in.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { Writable } from 'node:stream'
import sharp from 'sharp'
import type { CliIO } from '../../src/cli/args.ts'

export type FixtureFormat = 'jpg' | 'png' | 'webp' | 'tif'

/** Smooth gradients plus diagonal stripes that differ per seed: structured, not noise. */
export async function makePhoto(path: string, seed: number, width = 96, height = 64): Promise<void> {
  const data = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3
      const stripe = ((x + y * (1 + (seed % 3)) + seed * 7) >> 3) & 1 ? 60 : 0
      data[o] = (x * 255) / width
      data[o + 1] = ((y * 255) / height + seed * 23) % 256
      data[o + 2] = 120 + stripe
    }
  await mkdir(dirname(path), { recursive: true })
  const image = sharp(data, { raw: { width, height, channels: 3 } })
  const ext = path.slice(path.lastIndexOf('.') + 1) as FixtureFormat
  const encoded = ext === 'png' ? image.png() : ext === 'webp' ? image.webp({ quality: 90 }) : ext === 'tif' ? image.tiff() : image.jpeg({ quality: 90 })
  await writeFile(path, await encoded.toBuffer())
}

export interface Shoot {
  root: string
  /** absolute paths of the photos that must deblur */
  good: string[]
  /** absolute paths of the broken photos, each must fail with a reason */
  broken: string[]
}

/**
 * 20 good photos in 4 folders, 3 broken ones (truncated, empty, text named .jpg), plus files
 * the batch must ignore: hidden files and folders, a .txt, and a symlink loop back to the root.
 */
export async function makeShoot(root: string, goodCount = 20): Promise<Shoot> {
  const folders = ['', 'day1', 'day1/burst', 'day2']
  const formats: FixtureFormat[] = ['jpg', 'png', 'webp', 'tif']
  const good: string[] = []
  for (let i = 0; i < goodCount; i++) {
    const path = join(root, folders[i % folders.length]!, `IMG_${String(i).padStart(3, '0')}.${formats[i % formats.length]}`)
    await makePhoto(path, i)
    good.push(path)
  }
  const whole = await readFile(good[0]!)
  const broken = [join(root, 'truncated.jpg'), join(root, 'day1', 'empty.png'), join(root, 'day2', 'notes.jpg')]
  await writeFile(broken[0]!, whole.subarray(0, Math.floor(whole.length / 2)))
  await writeFile(broken[1]!, Buffer.alloc(0))
  await writeFile(broken[2]!, 'these are my notes, not a photo\n')
  await makePhoto(join(root, '.hidden', 'secret.jpg'), 99)
  await makePhoto(join(root, '.dotfile.jpg'), 98)
  await writeFile(join(root, 'readme.txt'), 'not a photo\n')
  await symlink(root, join(root, 'day1', 'loop'))
  return { root, good: good.sort(), broken: broken.sort() }
}

/** sha256 of every file below `dir` (hidden included), by relative path: "nothing touched" checks. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.isFile()) out.set(relative(dir, path), createHash('sha256').update(await readFile(path)).digest('hex'))
    }
  }
  await walk(dir)
  return out
}

/** Every file below `dir` (recursively, hidden included), relative. */
export async function listFiles(dir: string): Promise<string[]> {
  return [...(await snapshot(dir)).keys()].sort()
}

class Capture extends Writable {
  text = ''
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString()
    done()
  }
}

/** Runs a `fidediff` command in-process, as a non-TTY, capturing what it prints. */
export async function runCli(command: (argv: string[], io: CliIO) => Promise<number>, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture()
  const stderr = new Capture()
  const code = await command(args, { stdout, stderr, isTTY: false })
  return { code, stdout: stdout.text, stderr: stderr.text }
}
