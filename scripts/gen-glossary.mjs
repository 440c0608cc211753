// Writes docs/glossary.md from src/shared/glossary.ts (the app's hover texts): npm run gen:glossary
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tsImport } from 'tsx/esm/api'
import { root } from './build-if-needed.mjs'

const { glossaryMarkdown } = await tsImport(join(root, 'src', 'shared', 'glossary.ts'), import.meta.url)
writeFileSync(join(root, 'docs', 'glossary.md'), glossaryMarkdown())
console.log('Wrote docs/glossary.md')
