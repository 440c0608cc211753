import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GLOSSARY, glossaryMarkdown } from '../../../src/shared/glossary'
import { repoRoot } from '../../helpers/tmp'

describe('glossary', () => {
  it('explains the words a first-time user met without explanation', () => {
    const terms = Object.values(GLOSSARY).map((g) => g.term.toLowerCase())
    for (const word of ['macs', 'arena', 'host', 'job', 'gzip', 'uncorrected', 'relu6', 'z-score', 'p95', 'median', 'int8', 'float32']) expect(terms).toContain(word)
    for (const g of Object.values(GLOSSARY)) expect(g.text.length).toBeGreaterThan(20)
  })

  it('docs/glossary.md is the same list as the hover texts (npm run gen:glossary)', () => {
    expect(readFileSync(join(repoRoot, 'docs', 'glossary.md'), 'utf8')).toBe(glossaryMarkdown())
  })
})
