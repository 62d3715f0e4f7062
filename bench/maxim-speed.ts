/**
 * `npm run bench:maxim [-- --sizes 64,256 --runs 3 --threads 1]` (threads: a list, e.g. 1,2) — MAXIM-3S speed: the ONNX
 * graph converted by tools/maxim in ONNX Runtime vs the shipped TF.js graph on the WASM backend
 * (in Node it runs single-threaded with SIMD), same CPU, same crops of the package's blurry
 * sample photo. Median of the timed runs after one warm-up; also reports the max abs
 * difference of the two outputs. Prints a markdown table, writes bench/results/maxim-speed.md.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import * as ort from 'onnxruntime-node'
import sharp from 'sharp'
import { convertTfjsGraph } from '../tools/maxim/convert.ts'
import { MAXIM_PACKAGE, maximPackageDir, maximPackageModelJson, maximPackageVersion } from '../tools/maxim/maxim-package.ts'
import { readTfjsGraph } from '../tools/maxim/tfjs-graph.ts'
import { openTfjsMaxim } from '../tools/maxim/tfjs-reference.ts'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '64,256' },
    runs: { type: 'string', default: '3' },
    threads: { type: 'string', default: '1' },
  },
})
const sizes = values.sizes.split(',').map(Number)
const runs = Math.max(1, Number(values.runs))
const threadCounts = values.threads.split(',').map(Number)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function crop(size: number): Promise<Float32Array> {
  const photo = sharp(join(maximPackageDir(), 'assets', 'fixture.png')).removeAlpha()
  const { width = 0 } = await photo.metadata()
  const fitted = size <= width ? photo.extract({ left: (width - size) >> 1, top: (width - size) >> 1, width: size, height: size }) : photo.resize(size, size)
  const { data } = await fitted.raw().toBuffer({ resolveWithObject: true })
  const n = size * size
  const out = new Float32Array(3 * n)
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[c * n + i] = data[i * 3 + c]! / 255
  return out
}

/** wall and process CPU time per run: CPU time is what a single-threaded run costs even when
 * other processes share the cores (wall time then overstates both runtimes alike) */
async function timed(fn: () => Promise<Float32Array>): Promise<{ ms: number[]; cpuMs: number[]; output: Float32Array }> {
  let output = await fn() // warm-up: first-run allocations and kernel selection
  const ms: number[] = []
  const cpuMs: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    const cpu = process.cpuUsage()
    output = await fn()
    const used = process.cpuUsage(cpu)
    ms.push(performance.now() - t)
    cpuMs.push((used.user + used.system) / 1000)
  }
  return { ms, cpuMs, output }
}

const graph = await readTfjsGraph(maximPackageModelJson())
const tfjs = await openTfjsMaxim(maximPackageModelJson(), 'wasm')
interface Row { size: number; threads: number; ort: number; tfjs: number; ortCpu: number; tfjsCpu: number; diff: number }
const rows: Row[] = []
for (const size of sizes) {
  const image = await crop(size)
  const bytes = convertTfjsGraph(graph, { height: size, width: size }).bytes
  const reference = await timed(() => tfjs.run(image, size, size))
  for (const threads of threadCounts) {
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1 })
    const feeds = { image: new ort.Tensor('float32', image, [1, 3, size, size]) }
    const onnx = await timed(async () => (await session.run(feeds))['restored']!.data as Float32Array)
    await session.release()
    let diff = 0
    for (let i = 0; i < onnx.output.length; i++)
      diff = Math.max(diff, Math.abs(onnx.output[i]! - Math.min(1, Math.max(0, reference.output[i]!))))
    rows.push({ size, threads, ort: median(onnx.ms), tfjs: median(reference.ms), ortCpu: median(onnx.cpuMs), tfjsCpu: median(reference.cpuMs), diff })
    const wall = (xs: number[]) => xs.map((m) => m.toFixed(0)).join('/')
    process.stderr.write(`${size}²: ORT ${threads} thread(s) ${wall(onnx.ms)} ms, TF.js WASM ${wall(reference.ms)} ms (wall)\n`)
  }
}
tfjs.dispose()

const mps = (size: number, ms: number) => ((size * size) / 1e6 / (ms / 1000)).toFixed(4)
const pkg = (name: string) => (JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
let commit = 'unknown'
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
} catch {
  // not a git checkout
}
const table = [
  '| crop | ORT threads | ONNX Runtime | TF.js WASM (1 thread, SIMD) | speed-up (wall) | ORT MP/s | TF.js MP/s | CPU s ORT / TF.js | speed-up (CPU) | max abs diff |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.size}×${r.size} | ${r.threads} | ${(r.ort / 1000).toFixed(2)} s | ${(r.tfjs / 1000).toFixed(2)} s | ${(r.tfjs / r.ort).toFixed(1)}× | ` +
      `${mps(r.size, r.ort)} | ${mps(r.size, r.tfjs)} | ${(r.ortCpu / 1000).toFixed(2)} / ${(r.tfjsCpu / 1000).toFixed(2)} | ` +
      `${(r.tfjsCpu / r.ortCpu).toFixed(1)}× | ${r.diff.toExponential(1)} |`,
  ),
].join('\n')
const report = [
  '# MAXIM-3S: ONNX Runtime vs TF.js WASM',
  '',
  table,
  '',
  `Median of ${runs} runs after one warm-up. TF.js WASM has no threads in Node, so the 1-thread ORT row is the ` +
    `like-for-like comparison; CPU time is process CPU (all threads). Machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ` +
    `load average at end ${loadavg()[0]!.toFixed(1)}. onnxruntime-node ${pkg('onnxruntime-node')} (CPU provider), ` +
    `@tensorflow/tfjs ${pkg('@tensorflow/tfjs')} + tfjs-backend-wasm, ${MAXIM_PACKAGE}@${maximPackageVersion()}, commit ${commit}, ` +
    `${new Date().toISOString()}.`,
  '',
].join('\n')
console.log(report)
mkdirSync(join('bench', 'results'), { recursive: true })
writeFileSync(join('bench', 'results', 'maxim-speed.md'), report)
