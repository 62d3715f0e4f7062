/** What a reader needs to reproduce a benchmark table: machine, versions, commit. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'

export function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return 'not installed'
  }
}

/** short HEAD commit, with "+dirty" when the working tree has changes the commit lacks */
export function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== ''
    return dirty ? `${head}+dirty` : head
  } catch {
    return 'unknown'
  }
}

export function machineLine(): string {
  return (
    `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `load average ${loadavg()[0]!.toFixed(1)} (shared machine), Node ${process.version}`
  )
}

export function versionsLine(): string {
  return ['onnxruntime-node', 'sharp', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'].map((p) => `${p} ${packageVersion(p)}`).join(', ')
}
