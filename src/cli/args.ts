/** Argument handling shared by the `fidediff` commands: usage errors exit with 2. */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { Writable } from 'node:stream'

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export interface CliIO {
  stdout: Writable
  stderr: Writable
  /** a progress bar only on a terminal; plain lines otherwise */
  isTTY: boolean
}

export const EXIT = { ok: 0, someFailed: 1, usage: 2, interrupted: 130 } as const

type Options = NonNullable<ParseArgsConfig['options']>

/** node:util parseArgs in strict mode, with its errors turned into usage errors. */
export function parseCommand<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

/** An integer flag within [min, max], or a usage error naming the flag. */
export function intFlag(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got "${value}")`)
  return n
}

/** A flag limited to a fixed set of words. */
export function choiceFlag<T extends string>(flag: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined
  if (!(choices as readonly string[]).includes(value))
    throw new UsageError(`--${flag} must be one of ${choices.join(', ')} (got "${value}")`)
  return value as T
}
