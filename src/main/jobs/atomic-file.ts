/**
 * Small text outputs of a batch (reports, kernel-map JSON) are written the same way the photo
 * module writes photos: a temp file in the target folder, fsync, rename — so a crash or kill -9
 * leaves either the old file or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto'
import { open, readdir, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** `.name.ext.<random>.tmp`: the pattern the photo module's atomic writer uses too. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(target)
  try {
    const handle = await open(temp, 'wx')
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, target)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

/**
 * Removes temp files a killed earlier run left for `target` (`.name.ext.*.tmp`). Only names
 * derived from our own output name are touched, so other programs' files are safe.
 */
export async function removeStaleTemps(target: string): Promise<number> {
  const prefix = `.${basename(target)}.`
  let names: string[]
  try {
    names = await readdir(dirname(target))
  } catch {
    return 0
  }
  const stale = names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp') && /^[A-Za-z0-9_-]+$/.test(n.slice(prefix.length, -4)))
  await Promise.all(stale.map((n) => rm(join(dirname(target), n), { force: true })))
  return stale.length
}
