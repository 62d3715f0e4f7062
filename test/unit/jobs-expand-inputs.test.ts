import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expandInputs } from '../../src/main/jobs/expand-inputs.ts'

let root: string
const touch = async (path: string): Promise<void> => {
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, 'x') // expansion looks at names and types only; decoding comes later
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jobs-expand-'))
  for (const f of ['shoot/a.jpg', 'shoot/B.JPEG', 'shoot/c.png', 'shoot/notes.txt', 'shoot/.hidden.jpg', 'shoot/.cache/x.jpg',
    'shoot/day1/d.tif', 'shoot/day1/deep/e.webp', 'shoot/day1/f.heic', 'shoot/out/old.jpg', 'single.gif'])
    await touch(join(root, f))
  await symlink(join(root, 'shoot'), join(root, 'shoot/day1/loop')) // a loop back to the top
  await symlink(join(root, 'shoot/a.jpg'), join(root, 'shoot/day1/a-link.jpg')) // the same photo twice
  await symlink(join(root, 'gone.jpg'), join(root, 'shoot/dangling.jpg'))
})
afterAll(async () => rm(root, { recursive: true, force: true }))

describe('expanding files and folders into a batch', () => {
  it('a folder gives its photos only: hidden files and non-photos left out, no subfolders unless recursive', async () => {
    const { inputs, problems } = await expandInputs([join(root, 'shoot')], { recursive: false })
    expect(inputs.map((i) => i.relativePath)).toEqual(['B.JPEG', 'a.jpg', 'c.png'])
    expect(problems).toEqual([{ path: join(root, 'shoot/dangling.jpg'), reason: 'not found' }])
  })

  it('recursive follows subfolders, survives a symlink loop and lists each real photo once', async () => {
    const { inputs } = await expandInputs([join(root, 'shoot'), join(root, 'shoot/a.jpg')], { recursive: true, excludeDirs: [join(root, 'shoot/out')] })
    // a folder's photos come before its subfolders'; day1/a-link.jpg is a.jpg again
    expect(inputs.map((i) => i.relativePath)).toEqual(['B.JPEG', 'a.jpg', 'c.png', 'day1/d.tif', 'day1/f.heic', 'day1/deep/e.webp'])
    expect(inputs.every((i) => i.root === join(root, 'shoot'))).toBe(true)
  })

  it('an output folder inside the input folder is left out, but not when it is the input folder itself', async () => {
    const inside = await expandInputs([join(root, 'shoot')], { recursive: true, excludeDirs: [join(root, 'shoot/day1')] })
    expect(inside.inputs.map((i) => i.relativePath)).toEqual(['B.JPEG', 'a.jpg', 'c.png', 'out/old.jpg'])
    const same = await expandInputs([join(root, 'shoot')], { recursive: false, excludeDirs: [join(root, 'shoot')] })
    expect(same.inputs.map((i) => i.relativePath)).toEqual(['B.JPEG', 'a.jpg', 'c.png'])
  })

  it('a photo given by name is kept even if hidden-looking folders are around; its shard key is its name', async () => {
    const { inputs } = await expandInputs([join(root, 'single.gif')], { recursive: false })
    expect(inputs).toEqual([{ path: join(root, 'single.gif'), root: join(root, 'single.gif'), relativePath: 'single.gif' }])
  })

  it('a missing path or a file that is not a photo is a problem naming the path, not a crash', async () => {
    const { inputs, problems } = await expandInputs([join(root, 'nope'), join(root, 'shoot/notes.txt')], { recursive: true })
    expect(inputs).toEqual([])
    expect(problems).toEqual([
      { path: join(root, 'nope'), reason: 'not found' },
      { path: join(root, 'shoot/notes.txt'), reason: expect.stringMatching(/not a supported photo type/) as unknown as string },
    ])
  })
})
