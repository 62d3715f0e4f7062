/**
 * Writing a result without ever leaving a half-written file or touching an original
 * (DESIGN "originals never touched"; SECURITY "outputs are written atomically and never
 * over an input").
 */
import { randomBytes } from 'node:crypto'
import { open, realpath, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { PhotoError, writeErrorToPhotoError } from './photo-error.ts'

/** The path with every symlink in its existing part resolved. */
async function canonicalPath(path: string): Promise<string> {
  const absolute = resolve(path)
  try {
    return await realpath(absolute)
  } catch {
    // the file does not exist (yet): resolve its folder instead
    try {
      return join(await realpath(dirname(absolute)), basename(absolute))
    } catch {
      return absolute
    }
  }
}

async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [sa, sb] = await Promise.all([stat(a), stat(b)])
    // covers hard links and case-insensitive file systems, where paths differ
    return sa.dev === sb.dev && sa.ino === sb.ino
  } catch {
    return false
  }
}

/** Throws 'would-overwrite-input' when `target` is (or links to) one of `inputPaths`. */
export async function refuseToOverwriteInputs(target: string, inputPaths: readonly string[]): Promise<void> {
  if (inputPaths.length === 0) return
  const canonicalTarget = await canonicalPath(target)
  for (const input of inputPaths) {
    if ((await canonicalPath(input)) === canonicalTarget || (await sameFile(target, input))) {
      throw new PhotoError(target, 'would-overwrite-input', 'saving here would overwrite an original photo; choose another name or folder')
    }
  }
}

/**
 * Writes `data` to a temp file next to `target` (same file system, so the rename is
 * atomic), flushes it to disk and renames it over `target`. On any failure the temp
 * file is removed and a PhotoError naming `target` is thrown.
 */
export async function writeFileAtomically(target: string, data: Uint8Array): Promise<void> {
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(temp, 'wx')
    await handle.writeFile(data)
    await handle.sync()
    await handle.close()
    handle = undefined
    await rename(temp, target)
  } catch (err) {
    await handle?.close().catch(() => undefined)
    await rm(temp, { force: true }).catch(() => undefined)
    throw writeErrorToPhotoError(target, err)
  }
  await syncFolder(dirname(target))
}

/** Makes the rename itself durable; best effort (not possible on every platform). */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Windows cannot open a folder for syncing; the data itself is already flushed
  }
}
