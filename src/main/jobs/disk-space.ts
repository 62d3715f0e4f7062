/**
 * After a full disk paused a batch (issue 5 §7), a headless run has nobody to press "resume":
 * it waits until the folder's file system has room again, then resumes by itself.
 */
import { statfs } from 'node:fs/promises'
import { dirname } from 'node:path'

export async function freeBytes(path: string): Promise<number | null> {
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = await statfs(p)
      return Number(s.bavail) * Number(s.bsize)
    } catch {
      if (dirname(p) === p) return null
    }
  }
}

/** Resolves true once `minGrowth` more bytes are free than when called; false if aborted. */
export async function waitForSpace(path: string, signal: AbortSignal, options: { minGrowth?: number; intervalMs?: number } = {}): Promise<boolean> {
  const minGrowth = options.minGrowth ?? 1 << 20
  const start = (await freeBytes(path)) ?? 0
  while (!signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 5000))
    const now = await freeBytes(path)
    if (now === null || now >= start + minGrowth) return !signal.aborted
  }
  return false
}
