/**
 * A number input's valid values are min + k * step. When min is not itself a multiple of step,
 * round values such as 50 or 0.0005 are invalid and the browser refuses to submit the form
 * ("the two nearest valid values are 49.91 and 50.01"): Optimize's forms once did exactly that.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../../helpers/tmp'

const rendererDir = join(repoRoot, 'src', 'renderer', 'src')

function vueFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? vueFiles(join(dir, e.name)) : e.name.endsWith('.vue') ? [join(dir, e.name)] : []))
}

/** Static attribute of one tag (a bound `:min` does not count). */
function attr(tag: string, name: string): string | null {
  const m = tag.match(new RegExp(`(?<![:@\\w-])${name}="([^"]*)"`))
  return m ? m[1] : null
}

function stepProblems(source: string): string[] {
  const problems: string[] = []
  for (const [tag] of source.matchAll(/<input\b[^>]*>/g)) {
    if (attr(tag, 'type') !== 'number') continue
    const step = attr(tag, 'step')
    if (step === null || step === 'any') continue
    const base = Number(attr(tag, 'min') ?? attr(tag, 'value') ?? '0')
    const k = base / Number(step)
    if (Math.abs(k - Math.round(k)) > 1e-9) problems.push(tag.replace(/\s+/g, ' '))
  }
  return problems
}

describe('number inputs in the renderer', () => {
  it('finds a step that makes round values invalid', () => {
    expect(stepProblems('<input v-model.number="x" type="number" min="0.01" step="0.1" />')).toHaveLength(1)
    expect(stepProblems('<input type="number" step="0.0001" min="0.00001" max="1" />')).toHaveLength(1)
    expect(stepProblems('<input type="number" min="0" step="0.05" />')).toEqual([])
    expect(stepProblems('<input type="number" min="0.01" step="any" />')).toEqual([])
    expect(stepProblems('<input type="number" :min="lo" step="0.5" />')).toEqual([])
  })

  it('every number input with a step has a min on that step, so forms submit round values', () => {
    const files = vueFiles(rendererDir)
    expect(files.length).toBeGreaterThan(5)
    const problems = files.flatMap((f) => stepProblems(readFileSync(f, 'utf8')).map((p) => `${relative(repoRoot, f)}: ${p}`))
    expect(problems).toEqual([])
  })
})
