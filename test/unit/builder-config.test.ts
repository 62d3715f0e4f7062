import { existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Configuration } from 'electron-builder'
// electron-builder's own loader and JSON-schema validation (app-builder-lib ships with it)
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js'
import { DebugLogger } from 'builder-util'

async function load(): Promise<Configuration> {
  return getConfig(resolve('.'), resolve('electron-builder.yml'), null)
}

describe('packaging config (electron-builder.yml)', () => {
  it("passes electron-builder's own schema validation", async () => {
    const config = await load()
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('builds AppImage and deb, an NSIS installer and a dmg', async () => {
    const c = await load()
    expect(c.linux?.target).toEqual(['AppImage', 'deb'])
    expect(c.win?.target).toEqual(['nsis'])
    expect(c.mac?.target).toEqual(['dmg'])
  })

  it('every file and folder it references exists', async () => {
    const c = await load()
    const referenced = [
      c.linux?.icon,
      c.win?.icon,
      c.mac?.icon,
      c.mac?.entitlements,
      c.mac?.entitlementsInherit,
      c.directories?.buildResources,
    ].filter((p): p is string => typeof p === 'string')
    expect(referenced.length).toBe(6)
    for (const p of referenced) expect(existsSync(resolve(p)), p).toBe(true)
    const icon = await readFile(resolve('build/icon.png'))
    // PNG signature and at least 512×512 (what electron-builder needs to derive .icns/.ico)
    expect(icon.subarray(1, 4).toString()).toBe('PNG')
    expect(icon.readUInt32BE(16)).toBeGreaterThanOrEqual(512)
    const extra = c.extraResources as { from: string; to: string }[]
    expect(extra).toEqual([{ from: 'resources/models', to: 'models', filter: ['**/*'] }])
    for (const e of extra) expect(existsSync(resolve(e.from)) && statSync(resolve(e.from)).isDirectory(), e.from).toBe(true)
    // the app's entry, as packaged, is what electron-vite builds
    const pkg = JSON.parse(await readFile(resolve('package.json'), 'utf8')) as { main: string }
    expect(pkg.main).toBe('./out/main/index.js')
    expect(JSON.stringify(c.files)).toContain('"out/**"')
  })

  it('unpacks the native modules (sharp, libvips, onnxruntime) from asar', async () => {
    const c = await load()
    expect(c.asar).toBe(true)
    expect(c.asarUnpack).toEqual(['node_modules/sharp/**', 'node_modules/@img/**', 'node_modules/onnxruntime-node/**'])
    for (const dir of ['sharp', '@img', 'onnxruntime-node']) expect(existsSync(resolve('node_modules', dir)), dir).toBe(true)
  })

  it('sets the Electron fuses of SECURITY.md #19', async () => {
    const c = await load()
    expect(c.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
  })
})
