/**
 * Issue #17, problem 1: text from a project never becomes code. Firmware generated from a project
 * whose every text field is hostile (newlines, comment terminators, quotes, backslashes,
 * #include, trigraphs, U+2028/U+2029) must preprocess, with trigraphs on, to the same token
 * stream as a clean project's once string literals are blanked; build files must keep the same
 * non-comment lines. Every target, project kind, runtime and mode.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cComment, cString } from '../../src/main/core/codegen/c-literals'
import { generateFirmware, sanitizeName, type FirmwareProject, type FirmwareRequest } from '../../src/main/core/codegen/firmware'
import { cgModelFromTflite, type CgModel } from '../../src/main/core/codegen/graph'
import { normalizePreprocessing } from '../../src/main/core/codegen/preprocessing-header'
import { loadFirmwareTemplates } from '../../src/main/services/deploy-service'
import { firmwareResourcesDir } from '../../src/main/sim/firmware/firmware-folder'
import { parseProjectFile } from '../../src/main/storage/project-store'
import { BOARDS, TARGET_IDS, type FirmwareMode, type RuntimeId } from '../../src/shared/boards'
import { newProjectFile } from '../../src/shared/project-schema'
import { exportModel } from '../../src/main/core/export/export-model'
import { convNet, loadPunchFlex } from '../unit/core/export/models'
import { repoRoot } from './helpers/c-build'

/** Everything that has ended a comment, a string or a line in C, C++, CMake, INI or YAML. */
const EVIL = ' */ // \n#include "/etc/passwd"\r\n#error injected\n" \' \\ \\\n??/\n??= ??/" \u2028#error ls\u2029 `$(touch x)` ]] #[[ ; ${X}'
const AXES = ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ']
/** Axis names that still name the six sensor channels (letters only count) but carry the payload. */
const evilAxis = (a: string): string => `${a[0]}${EVIL.replace(/[A-Za-z]/g, '')}${a[1]}`
const stubs = ['arduino-stub', 'esp-idf-stub', 'tflm-stub'].map((s) => `-I${path.join(repoRoot, 'test', 'fixtures', s)}`)

let templates: Record<string, string>
let modelBytes: Uint8Array
let work: string

beforeAll(async () => {
  templates = await loadFirmwareTemplates(firmwareResourcesDir())
  modelBytes = exportModel(convNet(), { mode: 'int8', representativeData: loadPunchFlex().windows.slice(0, 30) }).bytes
  work = mkdtempSync(path.join(tmpdir(), 'mf-hostile-'))
})
afterAll(() => rmSync(work, { recursive: true, force: true }))

function request(hostile: boolean, over: Partial<FirmwareRequest>): FirmwareRequest {
  const graph: CgModel = cgModelFromTflite(modelBytes)
  if (hostile) graph.tensors.forEach((t, i) => (t.name = `${EVIL}${i}`))
  const axes = hostile ? AXES.map(evilAxis) : AXES
  return {
    name: 'gesture',
    projectName: hostile ? EVIL : 'Punch or flex',
    target: 'nano33ble',
    runtime: 'c',
    mode: 'profile',
    model: { bytes: modelBytes, graph, label: hostile ? EVIL : 'int8_conv' },
    preprocessing: normalizePreprocessing(
      { method: 'fixed-range', axes, windowLength: 30, min: [-4, -4, -4, -2000, -2000, -2000], max: [4, 4, 4, 2000, 2000, 2000] },
      { axes: [], windowLength: null }
    ),
    classes: hostile ? [`${EVIL}1`, `${EVIL}2`] : ['punch', 'flex'],
    sampleRateHz: 100,
    baud: 115200,
    templates,
    ...over
  }
}

function write(p: FirmwareProject, dir: string): void {
  for (const f of p.files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true })
    writeFileSync(path.join(dir, f.path), f.contents)
  }
}

/** The token stream after preprocessing (trigraphs on), with the text of every literal blanked. */
function tokens(dir: string, file: string): string {
  const src = path.join(dir, file)
  const cpp = !file.endsWith('.c') && !file.endsWith('.h')
  const args = [cpp ? '-std=c++11' : '-std=c99', '-trigraphs', '-E', '-P', '-x', cpp ? 'c++' : 'c', `-I${path.dirname(src)}`, ...stubs, src]
  const out = execFileSync(cpp ? 'g++' : 'gcc', args, { maxBuffer: 64 * 1024 * 1024 }).toString()
  return out
    .replace(/"(?:[^"\\\n]|\\.)*"/g, '""')
    .replace(/'(?:[^'\\\n]|\\.)*'/g, "''")
    .replace(/\s+/g, ' ')
}

/** Build files compared without their comment lines. */
function buildLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((l) => !/^\s*[#;]/.test(l))
}

describe('hostile project text never changes the generated code', () => {
  const modes: FirmwareMode[] = ['capture', 'classify', 'profile']
  const runtimes: RuntimeId[] = ['tflm', 'c']
  for (const target of TARGET_IDS) {
    for (const kind of BOARDS[target].projects) {
      it(`${target} ${kind}: every runtime and mode`, () => {
        for (const runtime of runtimes) {
          for (const mode of modes) {
            const over: Partial<FirmwareRequest> = { target, kind, runtime, mode, ...(mode === 'capture' ? { model: null } : {}) }
            const clean = generateFirmware(request(false, over))
            const evil = generateFirmware(request(true, over))
            const where = `${target} ${kind} ${runtime} ${mode}`
            expect(evil.files.map((f) => f.path), where).toEqual(clean.files.map((f) => f.path))
            const base = path.join(work, `${target}-${kind}-${runtime}-${mode}`)
            write(clean, path.join(base, 'clean'))
            write(evil, path.join(base, 'evil'))
            for (const f of clean.files) {
              const other = evil.files.find((e) => e.path === f.path)!.contents
              // Project text must never add a line anywhere, README included.
              expect(other.split(/\r\n|\r|\n|\u2028|\u2029/).length, `${where} ${f.path}`).toBe(f.contents.split(/\r\n|\r|\n|\u2028|\u2029/).length)
              // Identical text needs no compiler; every file that differs is preprocessed.
              if (other === f.contents) continue
              if (/\.(c|cc|cpp|ino|h)$/.test(f.path)) {
                expect(tokens(path.join(base, 'evil'), f.path), `${where} ${f.path}`).toBe(tokens(path.join(base, 'clean'), f.path))
              } else if (!f.path.endsWith('.md')) {
                expect(buildLines(other), `${where} ${f.path}`).toEqual(buildLines(f.contents))
              }
            }
          }
        }
      })
    }
  }

  it('names become identifiers through the one sanitiser', () => {
    expect(sanitizeName(EVIL)).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,59}$/)
    expect(cComment(EVIL)).toMatch(/^[A-Za-z0-9 _.,:+()-]*$/)
  })

  it('string literals survive trigraphs, quotes, backslashes and line separators', () => {
    const dir = mkdtempSync(path.join(work, 'str-'))
    const texts = [EVIL, 'a??/', '??"', '"\\', '\u2028\u2029\u0000\u00e9', '\\0123']
    writeFileSync(
      path.join(dir, 'print.c'),
      `#include <stdio.h>\nstatic const char *const k[] = {${texts.map(cString).join(', ')}};\nint main(void) { for (unsigned i = 0; i < sizeof k / sizeof k[0]; i++) { fputs(k[i], stdout); putchar(0x1e); } return 0; }\n`
    )
    execFileSync('gcc', ['-std=c99', '-trigraphs', '-Wall', '-Werror', path.join(dir, 'print.c'), '-o', path.join(dir, 'print')])
    const out = execFileSync(path.join(dir, 'print')).toString('utf8')
    // The embedded NUL ends the C string, as it would in firmware.
    expect(out.split('\u001e').slice(0, -1)).toEqual(texts.map((t) => t.split('\u0000')[0]))
  })

  it('refuses a preprocessing method outside the closed set instead of copying it', () => {
    expect(() => normalizePreprocessing({ method: `none${EVIL}`, axes: AXES, windowLength: 30, offset: [0, 0, 0, 0, 0, 0], scale: [1, 1, 1, 1, 1, 1] }, { axes: [], windowLength: null })).toThrow(
      /preprocessing method/
    )
  })

  it('project.json with hostile text is refused on load with the field named', () => {
    const p = newProjectFile('ok')
    expect(() => parseProjectFile(JSON.stringify({ ...p, name: EVIL }))).toThrow(/name \(contains a line break/)
    expect(() => parseProjectFile(JSON.stringify({ ...p, classes: [{ name: 'a\u2028b', color: '#112233' }] }))).toThrow(/classes\.0\.name/)
    const signal = (over: Record<string, unknown>): string => JSON.stringify({ ...p, signal: { ...p.signal, ...over } })
    expect(() => parseProjectFile(signal({ preprocessing: { method: 'none\n#include' } }))).toThrow(/signal\.preprocessing\.method/)
    expect(() => parseProjectFile(signal({ axes: ['a\nX'], units: ['g'], scale: [1] }))).toThrow(/signal\.axes\.0/)
    expect(() => parseProjectFile(signal({ sampleRateHz: '50); system("x"' }))).toThrow(/signal/)
    expect(() => parseProjectFile(signal({ windowLength: 7 }).replace('"windowLength":7', '"windowLength":1e999'))).toThrow(/windowLength/)
    expect(() => parseProjectFile(signal({ preprocessing: { method: 'zscore', mean: [0], std: [1] } }).replace('"std":[1]', '"std":[1e999]'))).toThrow(/std/)
    expect(parseProjectFile(JSON.stringify(p)).name).toBe('ok')
  })
})

describe('a mutated model', () => {
  it('gives a clear MODEL_ERROR, not INTERNAL "Cannot read properties of undefined"', () => {
    // Bytes flipped through the file: whatever is refused, is refused as MODEL_ERROR by the reader or the graph check.
    let clear = 0
    for (let k = 0; k < 200; k++) {
      const bytes = modelBytes.slice()
      const at = (k * 7919) % bytes.length
      bytes[at] = bytes[at] ^ 0x5a
      try {
        cgModelFromTflite(bytes)
      } catch (err) {
        expect((err as { code?: string }).code, String(err)).toBe('MODEL_ERROR')
        clear++
      }
    }
    expect(clear).toBeGreaterThan(0)
  })
})
