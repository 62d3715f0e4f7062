/**
 * Restored images and their timings, kept next to the pairs (git-ignored) under
 * outputs/<row key>/<pair id>.png + .json: a rerun skips what exists (the key names the model
 * version and its files' checksums), and the image sheet reads the pictures from here.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import sharp from 'sharp'
import type { PixelBuffer } from '../../src/shared/domain.ts'
import type { LoadedModel } from '../../src/main/engine/index.ts'
import { readPixels } from './pairs.ts'

export interface StoredRun {
  seconds: number
}

/** id-version-<8 hex of the stage checksums>: a retrained or re-exported model gets a new key */
export function modelTag(model: LoadedModel): string {
  const digest = createHash('sha256')
  for (const stage of model.manifest.stages) digest.update(stage.sha256)
  return `${model.manifest.id}-${model.manifest.version}-${digest.digest('hex').slice(0, 8)}`.replace(/[^a-zA-Z0-9._-]/g, '_')
}

export class OutputStore {
  constructor(readonly root: string) {}

  #file(key: string, pairId: string, ext: string): string {
    return join(this.root, key, `${pairId}.${ext}`)
  }

  has(key: string, pairId: string): boolean {
    return existsSync(this.#file(key, pairId, 'json'))
  }

  imagePath(key: string, pairId: string): string {
    return this.#file(key, pairId, 'png')
  }

  async save(key: string, pairId: string, image: PixelBuffer, run: StoredRun): Promise<void> {
    mkdirSync(join(this.root, key), { recursive: true })
    const png = this.imagePath(key, pairId)
    await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
      raw: { width: image.width, height: image.height, channels: image.channels },
    })
      .png()
      .toFile(`${png}.tmp`)
    renameSync(`${png}.tmp`, png)
    this.saveJson(key, pairId, run) // last: the json marks the output complete
  }

  saveJson(key: string, pairId: string, value: unknown): void {
    mkdirSync(join(this.root, key), { recursive: true })
    const file = this.#file(key, pairId, 'json')
    writeFileSync(`${file}.tmp`, JSON.stringify(value))
    renameSync(`${file}.tmp`, file)
  }

  readJson<T>(key: string, pairId: string): T {
    return JSON.parse(readFileSync(this.#file(key, pairId, 'json'), 'utf8')) as T
  }

  readImage(key: string, pairId: string): Promise<PixelBuffer> {
    return readPixels(this.imagePath(key, pairId))
  }
}
