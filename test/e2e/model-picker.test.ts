/**
 * The model picker in Chromium against the real app core (issue 7 §4): it lists the installed
 * models with their licence, says how to get MAXIM-3S, and picking the image-to-image model
 * makes it the restorer while the fidediff model keeps analysing.
 */
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { AppInfo } from '../../src/shared/ipc-contract.ts'
import { startCore, type CoreHarness } from './app-fixtures.ts'
import { openEditorPage, type PageHarness } from './page-bridge.ts'

const SHOTS = resolve('test-results/e2e')
let h: CoreHarness
let ui: PageHarness
let page: Page

const appInfo = async (): Promise<AppInfo> => (await h.core.impls['app:info']!(undefined as never)) as AppInfo

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true })
  h = await startCore() // the test models: fidediff-random, identity and local-conv
  const dropDir = join(h.dir, 'drops')
  await mkdir(dropDir)
  ui = await openEditorPage(h, dropDir)
  page = ui.page
})

afterAll(async () => {
  await ui?.close()
  await h?.close()
})

describe('the model picker', () => {
  it('lists the installed models, shows the licence and the MAXIM-3S hint, and switching changes the restorer', async () => {
    const picker = page.getByTestId('model-choice')
    await page.getByTestId('provider').filter({ hasText: 'FideDiff random (test)' }).waitFor()
    const options = await picker.locator('option').allTextContents()
    expect(options).toEqual(expect.arrayContaining(['FideDiff random (test)', 'Local 5x5 Gaussian (test) (restores only)']))
    await expect(picker.inputValue()).resolves.toBe('fidediff-random')
    await expect(page.getByTestId('model-licence').textContent()).resolves.toContain('MIT · FideDiff Studio test fixture')
    await expect(page.getByTestId('model-hint').textContent()).resolves.toContain('npm run models:maxim')

    await picker.selectOption('local-conv')
    await page.getByTestId('provider').filter({ hasText: 'Local 5x5 Gaussian (test)' }).waitFor()
    await expect(page.getByTestId('model-analyzer').textContent()).resolves.toBe('t̂ and kernels from FideDiff random (test)')
    const info = await appInfo()
    expect([info.restorer?.id, info.analyzer?.id]).toEqual(['local-conv', 'fidediff-random'])
    await expect(page.getByTestId('tile-size').isDisabled()).resolves.toBe(false) // local-conv takes any tile size
    await page.screenshot({ path: join(SHOTS, '20-model-picker-local-conv.png') })

    await picker.selectOption('fidediff-random')
    await page.getByTestId('provider').filter({ hasText: 'FideDiff random (test)' }).waitFor()
    expect((await appInfo()).restorer?.id).toBe('fidediff-random')
    await expect(page.getByTestId('model-analyzer').count()).resolves.toBe(0)
    expect(ui.problems).toEqual([])
  })
})
