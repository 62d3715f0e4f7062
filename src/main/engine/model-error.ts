/** A model folder that cannot be used; the message names the file (and field) at fault. */
export class ModelError extends Error {
  readonly file: string
  readonly field?: string

  constructor(file: string, message: string, field?: string) {
    super(message)
    this.name = 'ModelError'
    this.file = file
    if (field !== undefined) this.field = field
  }
}

/** The error a cancelled deblur or analysis rejects with. */
export function abortError(what: string): Error {
  const error = new Error(`${what} cancelled`)
  error.name = 'AbortError'
  return error
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw abortError(what)
}
