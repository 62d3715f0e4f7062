/**
 * Photos passed on the command line — to the first instance or forwarded by the
 * single-instance lock from a second one (`fidediff-studio a.jpg b.png`).
 */
import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'

/**
 * Plain arguments that name an existing file, resolved against the launching shell's folder.
 * Flags (Chromium's and Electron's) and the app path itself are skipped; the caller decides
 * which are photos (isSupportedPhotoPath) so this stays independent of the decoders.
 */
export function filesFromArgv(argv: readonly string[], cwd: string): string[] {
  const out: string[] = []
  // argv[0] is the executable; in development argv[1] is the app folder (".")
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-') || arg === '.') continue
    const path = resolve(cwd, arg)
    try {
      if (existsSync(path) && statSync(path).isFile()) out.push(path)
    } catch {
      // unreadable: not ours to open
    }
  }
  return out
}
