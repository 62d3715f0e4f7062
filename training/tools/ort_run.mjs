// Runs one ONNX stage with onnxruntime-node (the runtime the app ships) for the Python tests
// and evaluate.py. Request on stdin: {"model": path, "inputs": [{"name", "shape", "file"}],
// "outDir": path, "threads": n}; each input file is raw little-endian float32. Writes every
// output as <outDir>/<name>.f32 and prints {"outputs": [{"name", "shape", "file"}], "ms", "cpuMs"}
// (wall and CPU time per run after one warm-up run; CPU time is what a busy machine cannot inflate).
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ort from 'onnxruntime-node'

const request = JSON.parse(readFileSync(0, 'utf8'))
const session = await ort.InferenceSession.create(request.model, {
  intraOpNumThreads: request.threads ?? 2,
  interOpNumThreads: 1,
})
const feeds = {}
for (const input of request.inputs) {
  const buf = readFileSync(input.file)
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4)
  feeds[input.name] = new ort.Tensor('float32', data, input.shape)
}
const repeat = request.repeat ?? 1
let results
results = await session.run(feeds) // warm-up: first-run allocations are not the steady state
const cpu0 = process.cpuUsage()
const start = performance.now()
for (let i = 0; i < repeat; i++) results = await session.run(feeds)
const ms = (performance.now() - start) / repeat
const used = process.cpuUsage(cpu0)
const cpuMs = (used.user + used.system) / 1000 / repeat
const outputs = []
for (const [name, tensor] of Object.entries(results)) {
  const file = join(request.outDir, `${name}.f32`)
  const data = tensor.data
  writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength))
  outputs.push({ name, shape: tensor.dims, file })
}
process.stdout.write(JSON.stringify({ outputs, ms, cpuMs }) + '\n')
