#!/usr/bin/env node
/**
 * Regenerates the TypeScript TFLite flatbuffer bindings in src/main/core/tflite/schema/ from the
 * committed official schema (src/main/core/tflite/schema/schema.fbs, copied from
 * tensorflow/tflite-micro tensorflow/lite/schema/schema.fbs at commit
 * 6cdf0d78a68f33fe452f051713aa218619285438).
 *
 * Needs Debian's flatbuffers-compiler (`flatc`, tested with 2.0.8). That flatc cannot parse the
 * `(deprecated)` attribute on an enum value (REDUCE_WINDOW) and on a union member
 * (ReduceWindowOptions), so we strip exactly those two before compiling. The generated files are
 * committed; run this only when the schema changes: `npm run gen:tflite-schema`.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync, cpSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const schemaDir = join(root, 'src', 'main', 'core', 'tflite', 'schema')
const source = readFileSync(join(schemaDir, 'schema.fbs'), 'utf8')

const strips = [
  ['REDUCE_WINDOW = 205 (deprecated),', 'REDUCE_WINDOW = 205,'],
  ['ReduceWindowOptions (deprecated),', 'ReduceWindowOptions,']
]
let patched = source
for (const [from, to] of strips) {
  if (!patched.includes(from)) throw new Error(`schema.fbs no longer contains "${from}"; update the strip list`)
  patched = patched.replace(from, to)
}

const work = mkdtempSync(join(tmpdir(), 'tflite-schema-'))
try {
  writeFileSync(join(work, 'schema.fbs'), patched)
  const out = join(work, 'out')
  // --gen-object-api: the exporter builds models as plain objects (ModelT) and packs them.
  execFileSync('flatc', ['--ts', '--gen-object-api', '-o', out, join(work, 'schema.fbs')], { stdio: 'inherit' })
  for (const old of ['tflite', 'schema_generated.ts']) {
    const p = join(schemaDir, old)
    if (existsSync(p)) rmSync(p, { recursive: true })
  }
  cpSync(out, schemaDir, { recursive: true })
  const count = readdirSync(join(schemaDir, 'tflite')).length
  console.log(`Generated ${count} files in ${schemaDir}`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
