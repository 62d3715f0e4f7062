/**
 * `--shard K/N` (issue 5 §6): machines that share nothing agree on who does which photo by
 * hashing each photo's path relative to the folder the user gave — the same on every machine,
 * whatever the mount point — so GNU parallel, Slurm arrays or indexed Jobs need no coordinator.
 */
import { createHash } from 'node:crypto'
import type { BatchInput, Shard } from './batch-types.ts'

/** Parses "K/N" (1 ≤ K ≤ N ≤ 10000); throws a message meant for the user. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim())
  if (!match) throw new Error(`--shard: expected K/N such as 2/8, got "${text}"`)
  const index = Number(match[1])
  const count = Number(match[2])
  if (count < 1 || count > 10_000) throw new Error(`--shard: N must be between 1 and 10000, got ${count}`)
  if (index < 1 || index > count) throw new Error(`--shard: K must be between 1 and N (${count}), got ${index}`)
  return { index, count }
}

export const formatShard = (shard: Shard): string => `${shard.index}/${shard.count}`

/** 1-based shard of a relative path: the first 48 bits of its sha256, modulo N. */
export function shardOf(relativePath: string, count: number): number {
  const digest = createHash('sha256').update(relativePath.normalize('NFC'), 'utf8').digest()
  return (digest.readUIntBE(0, 6) % count) + 1
}

export function selectShard<T extends Pick<BatchInput, 'relativePath'>>(inputs: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...inputs]
  return inputs.filter((input) => shardOf(input.relativePath, shard.count) === shard.index)
}
