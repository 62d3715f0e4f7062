/**
 * File paths the renderer may use (SECURITY.md "Beyond Electron"): a photo only when the user
 * picked it in the open dialog, dropped it, or it is on the recent list (or came on the command
 * line); an export target only when the user chose it in a save dialog. Anything else is refused,
 * so a compromised page cannot read or overwrite arbitrary files through the API.
 */
import { resolve } from 'node:path'

export type ReadGrantSource = 'dialog' | 'drop' | 'recent' | 'command-line'
/** A batch reads folders (and photos) only from the folder dialog or a drop on the Batch panel. */
export type BatchGrantSource = 'folder-dialog' | 'drop'

export class PathNotGrantedError extends Error {
  constructor(readonly file: string, what: string) {
    super(`${file}: ${what}`)
    this.name = 'PathNotGrantedError'
  }
}

export class PathGrants {
  readonly #read = new Map<string, ReadGrantSource>()
  readonly #write = new Set<string>()
  readonly #batchInputs = new Map<string, BatchGrantSource>()
  readonly #outputFolders = new Set<string>()

  grantRead(path: string, source: ReadGrantSource): string {
    const key = resolve(path)
    this.#read.set(key, source)
    return key
  }

  grantWrite(path: string): string {
    const key = resolve(path)
    this.#write.add(key)
    return key
  }

  canRead(path: string): boolean {
    return this.#read.has(resolve(path))
  }

  canWrite(path: string): boolean {
    return this.#write.has(resolve(path))
  }

  /** The absolute path, or an error naming the file when it was never granted. */
  requireRead(path: string): string {
    if (!this.canRead(path))
      throw new PathNotGrantedError(path, 'was not opened through the open dialog, a drop or the recent list, so it is not read')
    return resolve(path)
  }

  requireWrite(path: string): string {
    if (!this.canWrite(path)) throw new PathNotGrantedError(path, 'was not chosen in a save dialog, so nothing is written there')
    return resolve(path)
  }

  /** A folder or photo the user gave the Batch panel; what is below a granted folder is read too. */
  grantBatchInput(path: string, source: BatchGrantSource): string {
    const key = resolve(path)
    this.#batchInputs.set(key, source)
    return key
  }

  /** A folder chosen in the folder dialog as a batch's output folder. */
  grantOutputFolder(path: string): string {
    const key = resolve(path)
    this.#outputFolders.add(key)
    return key
  }

  requireBatchInput(path: string): string {
    if (!this.#batchInputs.has(resolve(path)))
      throw new PathNotGrantedError(path, 'was not chosen in the folder dialog or dropped on the Batch panel, so it is not read')
    return resolve(path)
  }

  requireOutputFolder(path: string): string {
    if (!this.#outputFolders.has(resolve(path)))
      throw new PathNotGrantedError(path, 'was not chosen as the output folder in the folder dialog, so nothing is written there')
    return resolve(path)
  }

  revokeRead(path: string): void {
    this.#read.delete(resolve(path))
  }
}
