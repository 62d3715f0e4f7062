/**
 * Two-operand Einsum as transpose → reshape → MatMul → reshape → transpose. MAXIM's Dense
 * layers and its resize matrices are einsums ('abcg,gf->abcf', 'abgd,gf->abdf',
 * 'gb,cgef->bcef'); ONNX Runtime and TF.js WASM both run MatMul far better than Einsum.
 */

export interface EinsumPlan {
  /** permutation of A to [batch…, freeA…, contract…] */
  permA: number[]
  /** A reshaped to this before MatMul: [batch…, FA, K] (batch dims kept as they are) */
  shapeA: number[]
  /** permutation of B to [batch…, contract…, freeB…] */
  permB: number[]
  shapeB: number[]
  /** MatMul result [batch…, FA, FB] reshaped to [batch…, freeA…, freeB…] */
  shapeProduct: number[]
  /** permutation of that to the output letter order */
  permOut: number[]
}

export function planEinsum(equation: string, shapeA: readonly number[], shapeB: readonly number[]): EinsumPlan {
  const match = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]*)$/.exec(equation.replace(/\s/g, ''))
  if (!match) throw new Error(`Einsum equation "${equation}" is not a two-operand equation without ellipsis`)
  const [a, b, out] = [match[1]!, match[2]!, match[3]!]
  if (a.length !== shapeA.length || b.length !== shapeB.length)
    throw new Error(`Einsum "${equation}": operand ranks ${shapeA.length} and ${shapeB.length} do not match`)
  for (const s of [a, b, out]) if (new Set(s).size !== s.length) throw new Error(`Einsum "${equation}": repeated letters are not supported`)
  const size = new Map<string, number>()
  ;[...a].forEach((c, i) => size.set(c, shapeA[i]!))
  ;[...b].forEach((c, i) => {
    const known = size.get(c)
    if (known !== undefined && known !== shapeB[i]) throw new Error(`Einsum "${equation}": size of "${c}" differs (${known} vs ${shapeB[i]})`)
    size.set(c, shapeB[i]!)
  })
  const batch = [...out].filter((c) => a.includes(c) && b.includes(c))
  const contract = [...a].filter((c) => b.includes(c) && !out.includes(c))
  const freeA = [...a].filter((c) => !b.includes(c))
  const freeB = [...b].filter((c) => !a.includes(c))
  for (const c of [...freeA, ...freeB])
    if (!out.includes(c)) throw new Error(`Einsum "${equation}": summing "${c}" over one operand only is not supported`)
  const dims = (letters: string[]) => letters.map((c) => size.get(c)!)
  const prod = (letters: string[]) => dims(letters).reduce((x, y) => x * y, 1)
  const order = [...batch, ...freeA, ...freeB]
  return {
    permA: [...batch, ...freeA, ...contract].map((c) => a.indexOf(c)),
    shapeA: [...dims(batch), prod(freeA), prod(contract)],
    permB: [...batch, ...contract, ...freeB].map((c) => b.indexOf(c)),
    shapeB: [...dims(batch), prod(contract), prod(freeB)],
    shapeProduct: dims(order),
    permOut: [...out].map((c) => order.indexOf(c)),
  }
}
