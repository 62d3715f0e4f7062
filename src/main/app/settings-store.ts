/**
 * settings.json in the user-data folder, validated with the contract's schema. A missing,
 * corrupt or partly invalid file never stops the app: each valid top-level key is kept, the
 * rest fall back to the defaults (and the file is rewritten on the next change).
 */
import { join } from 'node:path'
import {
  DEFAULT_SETTINGS,
  settingsSchema,
  settingsPatchSchema,
  type Settings,
  type SettingsPatch,
} from '../../shared/ipc-contract.ts'
import { readJsonFile, writeJsonFileAtomic } from './json-file.ts'

export function settingsFromJson(json: unknown): Settings {
  const whole = settingsSchema.safeParse(json)
  if (whole.success) return whole.data
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS }
  if (json && typeof json === 'object') {
    for (const [key, value] of Object.entries(json)) {
      if (!(key in DEFAULT_SETTINGS)) continue
      const one = settingsPatchSchema.safeParse({ [key]: value })
      if (one.success) merged[key] = value
    }
  }
  return settingsSchema.parse(merged)
}

export class SettingsStore {
  #settings: Settings = DEFAULT_SETTINGS
  readonly file: string

  constructor(userDataDir: string) {
    this.file = join(userDataDir, 'settings.json')
  }

  async load(): Promise<Settings> {
    this.#settings = settingsFromJson(await readJsonFile(this.file))
    return this.#settings
  }

  get current(): Settings {
    return this.#settings
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    this.#settings = settingsSchema.parse({ ...this.#settings, ...settingsPatchSchema.parse(patch) })
    await writeJsonFileAtomic(this.file, this.#settings)
    return this.#settings
  }
}
