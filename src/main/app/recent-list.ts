/** The recent-photos list (recent.json in user data): newest first, no duplicates, capped. */
import { basename, join, resolve } from 'node:path'
import { z } from 'zod'
import type { RecentEntry } from '../../shared/ipc-contract.ts'
import { readJsonFile, writeJsonFileAtomic } from './json-file.ts'

export const MAX_RECENT = 12

const entrySchema = z.object({ path: z.string().min(1), name: z.string(), openedAt: z.string() })

export class RecentList {
  #entries: RecentEntry[] = []
  readonly file: string

  constructor(userDataDir: string) {
    this.file = join(userDataDir, 'recent.json')
  }

  async load(): Promise<RecentEntry[]> {
    const json = await readJsonFile(this.file)
    const list = Array.isArray(json) ? json : []
    this.#entries = list.flatMap((e) => {
      const parsed = entrySchema.safeParse(e)
      return parsed.success ? [parsed.data] : []
    })
    this.#entries = this.#entries.slice(0, MAX_RECENT)
    return this.entries
  }

  get entries(): RecentEntry[] {
    return this.#entries.map((e) => ({ ...e }))
  }

  has(path: string): boolean {
    const key = resolve(path)
    return this.#entries.some((e) => e.path === key)
  }

  async add(path: string, now = new Date()): Promise<RecentEntry[]> {
    const key = resolve(path)
    const entry: RecentEntry = { path: key, name: basename(key), openedAt: now.toISOString() }
    this.#entries = [entry, ...this.#entries.filter((e) => e.path !== key)].slice(0, MAX_RECENT)
    await writeJsonFileAtomic(this.file, this.#entries)
    return this.entries
  }

  async clear(): Promise<RecentEntry[]> {
    this.#entries = []
    await writeJsonFileAtomic(this.file, this.#entries)
    return this.entries
  }
}
