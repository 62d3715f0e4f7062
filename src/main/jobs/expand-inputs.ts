/**
 * Turns the files and folders a user gave into the photos of a batch: supported photo types
 * only, hidden files and folders skipped, folders recursive on request, symlinks followed but
 * each real folder visited once (loops end) and each real file listed once.
 */
import { readdir, realpath, stat } from 'node:fs/promises'
import { basename, join, relative, resolve, sep } from 'node:path'
import { isSupportedPhotoPath } from '../images/index.ts'
import type { BatchInput } from './batch-types.ts'

export interface InputProblem {
  path: string
  reason: string
}

export interface ExpandOptions {
  recursive: boolean
  /** folders never to descend into (e.g. the output folder inside an input folder) */
  excludeDirs?: readonly string[]
}

export interface ExpandedInputs {
  inputs: BatchInput[]
  problems: InputProblem[]
}

function errnoReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return 'not found'
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  if (code === 'ELOOP') return 'symbolic link loop'
  return `cannot read (${code ?? String(error)})`
}

const toPosix = (p: string): string => p.split(sep).join('/')

export async function expandInputs(paths: readonly string[], options: ExpandOptions): Promise<ExpandedInputs> {
  const inputs: BatchInput[] = []
  const problems: InputProblem[] = []
  const seenFiles = new Set<string>()
  const seenDirs = new Set<string>()
  const excluded = new Set<string>()
  for (const dir of options.excludeDirs ?? []) excluded.add(await realpath(dir).catch(() => resolve(dir)))

  const addFile = async (path: string, root: string, relativePath: string): Promise<void> => {
    const real = await realpath(path).catch(() => path)
    if (seenFiles.has(real)) return
    seenFiles.add(real)
    inputs.push({ path, root, relativePath })
  }

  const walk = async (dir: string, root: string): Promise<void> => {
    let real: string
    try {
      real = await realpath(dir)
    } catch (error) {
      problems.push({ path: dir, reason: errnoReason(error) })
      return
    }
    // the output folder is left out when it lies inside an input folder, not when it is one
    if (seenDirs.has(real) || (dir !== root && excluded.has(real))) return
    seenDirs.add(real)
    let names: string[]
    try {
      names = (await readdir(dir)).sort()
    } catch (error) {
      problems.push({ path: dir, reason: errnoReason(error) })
      return
    }
    const subdirs: string[] = []
    for (const name of names) {
      if (name.startsWith('.')) continue // hidden files, and our own journals and temp files
      const path = join(dir, name)
      let info
      try {
        info = await stat(path) // follows symlinks; a loop or a dangling link lands in catch
      } catch (error) {
        if (isSupportedPhotoPath(path)) problems.push({ path, reason: errnoReason(error) })
        continue
      }
      if (info.isDirectory()) subdirs.push(path)
      else if (info.isFile() && isSupportedPhotoPath(path)) await addFile(path, root, toPosix(relative(root, path)))
    }
    if (options.recursive) for (const sub of subdirs) await walk(sub, root)
  }

  for (const given of paths) {
    const path = resolve(given)
    let info
    try {
      info = await stat(path)
    } catch (error) {
      problems.push({ path, reason: errnoReason(error) })
      continue
    }
    if (info.isDirectory()) await walk(path, path)
    else if (!info.isFile()) problems.push({ path, reason: 'not a regular file' })
    else if (!isSupportedPhotoPath(path)) problems.push({ path, reason: 'not a supported photo type (JPEG, PNG, TIFF, WebP, AVIF, GIF, HEIF)' })
    else await addFile(path, path, basename(path))
  }
  return { inputs, problems }
}
