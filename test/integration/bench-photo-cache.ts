/**
 * A tiny photo cache in the layout training/data/fetch_photos.py writes (photos/index.json +
 * RGB uint8 .npy per photo), generated here so the pair generator's tests need no download.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** A .npy (format 1.0) of a height×width×3 uint8 array. */
function npy(data: Uint8Array, height: number, width: number): Buffer {
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${height}, ${width}, 3), }`
  const total = 10 + header.length + 1
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n'
  const head = Buffer.alloc(10)
  head.write('\x93NUMPY', 0, 'latin1')
  head[6] = 1
  head[7] = 0
  head.writeUInt16LE(header.length, 8)
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data)])
}

/** A photo-like test card: smooth shading, edges and fine texture (deterministic in `seed`). */
function card(width: number, height: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        const stripes = Math.sin((x + 2 * y) / (7 + seed) + c) > 0.3 ? 60 : 0
        const squares = ((Math.floor(x / (23 + seed)) + Math.floor(y / 31)) % 2) * 50
        const texture = 40 * Math.sin(x * 0.9 + y * 1.7 * (c + 1) + seed) * Math.cos(y * 0.45)
        out[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(60 + stripes + squares + texture + (x * 40) / width)))
      }
  return out
}

/** Two val photos (one big enough for two crops) and one train photo, which pairs must never use. */
export function makePhotoCache(root: string): { valIds: string[]; trainId: string } {
  const photos = [
    { id: 'val_wide', split: 'val', width: 1100, height: 560 },
    { id: 'val_square', split: 'val', width: 600, height: 600 },
    { id: 'val_small', split: 'val', width: 300, height: 200 },
    { id: 'train_only', split: 'train', width: 700, height: 700 },
  ]
  mkdirSync(join(root, 'photos'), { recursive: true })
  photos.forEach((p, i) => writeFileSync(join(root, 'photos', `${p.id}.npy`), npy(card(p.width, p.height, i), p.height, p.width)))
  const index = photos.map((p) => ({ ...p, package: 'test-fixture', path: `${p.id}.png`, license: 'MIT', npy: `photos/${p.id}.npy` }))
  writeFileSync(join(root, 'photos', 'index.json'), JSON.stringify(index))
  return { valIds: ['val_wide', 'val_square'], trainId: 'train_only' }
}
