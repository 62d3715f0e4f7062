import { monitorEventLoopDelay } from 'node:perf_hooks'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { JobFinishedEvent, PhotoInfo } from '../../src/shared/ipc-contract.ts'
import { makeShakyJpeg, startCore, windowCaller, type CoreHarness } from './app-fixtures.ts'

let h: CoreHarness
beforeAll(async () => {
  h = await startCore()
})
afterAll(async () => {
  await h.close()
})

it('the main process stays responsive during a real deblur: event-loop delay p99 ≤ 50 ms', async () => {
  const photo = join(h.dir, 'loop.jpg')
  await makeShakyJpeg(photo, 1024, 768)
  const call = windowCaller(h.core)
  h.dialog.open = photo
  await call('dialog:openPhoto', undefined)
  const info = await call<PhotoInfo>('photo:open', { path: photo })
  await call('app:info', undefined) // open the engine outside the measurement, as the app does at start

  const finished = new Promise<JobFinishedEvent>((done) => {
    h.forward = (event, payload) => {
      if (event === 'job:finished') done(payload as JobFinishedEvent)
    }
  })
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  await call('photo:deblur', { token: info.token, options: { t: 'auto', tOffset: 0, tileSize: null, upscale2x: true } })
  const final = await finished
  histogram.disable()

  expect(final.status).toBe('done')
  const tiles = h.events['job:progress']?.length ?? 0
  expect(tiles).toBeGreaterThan(4)
  const p99 = histogram.percentile(99) / 1e6
  console.log(`event-loop delay during a ${tiles}-tile deblur: p50 ${(histogram.percentile(50) / 1e6).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(histogram.max / 1e6).toFixed(1)} ms`)
  expect(p99).toBeLessThanOrEqual(50)
})
