import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../helpers/tmp'

/** Every relative import and re-export (type-only ones too) of each .ts/.vue file under src/ and bench/. */
function importGraph(): Map<string, string[]> {
  const files: string[] = []
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (/\.(ts|vue)$/.test(e.name)) files.push(p)
    }
  }
  walk(join(repoRoot, 'src'))
  walk(join(repoRoot, 'bench'))
  const graph = new Map<string, string[]>()
  for (const f of files) {
    const deps: string[] = []
    for (const m of readFileSync(f, 'utf8').matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
      const base = join(dirname(f), m[1])
      const hit = [base, `${base}.ts`, join(base, 'index.ts')].find((c) => existsSync(c) && statSync(c).isFile())
      if (hit) deps.push(hit)
    }
    graph.set(f, deps)
  }
  return graph
}

/** The strongly connected groups of more than one file (Tarjan), each as sorted repo-relative paths. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string): void => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number))
    }
    if (low.get(v) !== index.get(v)) return
    const group: string[] = []
    let w: string
    do {
      w = stack.pop() as string
      onStack.delete(w)
      group.push(relative(repoRoot, w))
    } while (w !== v)
    if (group.length > 1) found.push(group.sort())
  }
  for (const f of graph.keys()) if (!index.has(f)) visit(f)
  return found.sort((a, b) => a[0].localeCompare(b[0]))
}

describe('import cycles in src/ and bench/', () => {
  it('there are none: every arrow between two files goes one way', () => {
    expect(cycles(importGraph())).toEqual([])
  })
})
