/**
 * Where each output goes: the naming template, the format, the folder (beside the input, or
 * below --out mirroring the input tree), and the collision policy. An input is never an
 * output: not the photo's own input, not any other photo of the batch.
 */
import { access, realpath } from 'node:fs/promises'
import { basename, dirname, extname, join, parse } from 'node:path'
import { extensionFor, formatFromPath, type OutputFormat } from '../images/index.ts'
import type { BatchInput, CollisionPolicy, FormatChoice, OutputOptions } from './batch-types.ts'

export const TEMPLATE_FIELDS = ['name', 'ext', 't', 'date', 'model'] as const
export type TemplateField = (typeof TEMPLATE_FIELDS)[number]
export type TemplateValues = Record<TemplateField, string>

export const DEFAULT_SUFFIX = '_deblurred'
export const DEFAULT_TEMPLATE = `{name}${DEFAULT_SUFFIX}`

/** Throws a user message when the template names an unknown field or a folder. */
export function validateTemplate(template: string): void {
  if (template.trim() === '') throw new Error('--name: the template is empty')
  if (/[/\\\0]/.test(template)) throw new Error(`--name: "${template}" must be a file name, without folders`)
  for (const match of template.matchAll(/\{([^}]*)\}/g))
    if (!(TEMPLATE_FIELDS as readonly string[]).includes(match[1]!))
      throw new Error(`--name: unknown field {${match[1]}} (use ${TEMPLATE_FIELDS.map((f) => `{${f}}`).join(' ')})`)
}

export const templateUses = (template: string, field: TemplateField): boolean => template.includes(`{${field}}`)

export function renderTemplate(template: string, values: TemplateValues): string {
  const stem = template.replace(/\{(name|ext|t|date|model)\}/g, (_, field: TemplateField) => values[field].replace(/[/\\\0]/g, '_'))
  if (stem === '' || stem === '.' || stem === '..') throw new Error(`the name template "${template}" gives an empty file name`)
  return stem
}

/** Local date of the batch start, YYYY-MM-DD: the {date} field. */
export function batchDate(now = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/** 'same' keeps the input's format where we can write it (GIF → PNG, HEIF → JPEG). */
export function outputFormatFor(inputPath: string, choice: FormatChoice): OutputFormat {
  if (choice !== 'same') return choice
  const same = formatFromPath(inputPath)
  if (same) return same
  return extname(inputPath).toLowerCase() === '.gif' ? 'png' : 'jpeg'
}

/** The output path before collisions are considered. */
export function plannedOutputPath(input: BatchInput, output: OutputOptions, values: Omit<TemplateValues, 'name' | 'ext'>): string {
  const { name, ext } = parse(input.path)
  const stem = renderTemplate(output.nameTemplate, { ...values, name, ext: ext.replace(/^\./, '').toLowerCase() })
  const folder = output.dir === null ? dirname(input.path) : join(output.dir, dirname(input.relativePath))
  return join(folder, stem + extensionFor(outputFormatFor(input.path, output.format)))
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false)

/** Realpath-aware identity of a path that may not exist yet. */
export async function canonicalPath(path: string): Promise<string> {
  try {
    return await realpath(path)
  } catch {
    const dir = await realpath(dirname(path)).catch(() => dirname(path))
    return join(dir, basename(path))
  }
}

export interface CollisionContext {
  policy: CollisionPolicy
  /** canonical paths of this photo's input and of every input of the batch */
  ownInput: string
  allInputs: ReadonlySet<string>
  /** canonical outputs already given to other photos of this batch */
  claimed: ReadonlySet<string>
  /** an earlier run of this batch chose this path (journal) and may replace it */
  ownEarlierOutput?: string | null
}

export type CollisionDecision = { action: 'write'; path: string } | { action: 'skip' | 'refuse'; path: string; reason: string }

function numbered(path: string, n: number): string {
  const { dir, name, ext } = parse(path)
  return join(dir, `${name}_${n}${ext}`)
}

export async function resolveCollision(target: string, ctx: CollisionContext): Promise<CollisionDecision> {
  const canonical = await canonicalPath(target)
  if (canonical === ctx.ownInput)
    return { action: 'refuse', path: target, reason: `the output name is the input itself (${basename(target)}); change --name/--suffix, --format or --out` }
  if (ctx.ownEarlierOutput && canonical === (await canonicalPath(ctx.ownEarlierOutput))) return { action: 'write', path: target }
  const isInput = ctx.allInputs.has(canonical)
  // two photos of one batch never share an output, whatever the policy: each gets a number
  const claimed = ctx.claimed.has(canonical)
  const onDisk = !isInput && !claimed && (await exists(target))
  if (!isInput && !claimed && !onDisk) return { action: 'write', path: target }
  if (!claimed && ctx.policy === 'skip')
    return { action: 'skip', path: target, reason: `${basename(target)} already exists${isInput ? ' (it is an input of this batch)' : ''}` }
  if (!claimed && ctx.policy === 'overwrite') {
    if (isInput) return { action: 'refuse', path: target, reason: `${basename(target)} is an input of this batch and is never overwritten` }
    return { action: 'write', path: target }
  }
  for (let n = 1; n < 10_000; n++) {
    const candidate = numbered(target, n)
    const c = await canonicalPath(candidate)
    if (!ctx.allInputs.has(c) && !ctx.claimed.has(c) && c !== ctx.ownInput && !(await exists(candidate))) return { action: 'write', path: candidate }
  }
  return { action: 'refuse', path: target, reason: `no free numbered name for ${basename(target)}` }
}
