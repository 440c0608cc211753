import { promises as fs } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import type { ModelApi, ModelFile, ModelInspection, ModelRunResult } from '../../shared/contract/model'
import { MicroforgeError } from '../../shared/errors'
import { decodeInput } from '../core/inspect/input-values'
import { inspectTflite } from '../core/inspect/inspect-model'
import { Interpreter } from '../core/quant/interpreter'
import { parseTflite } from '../core/tflite/reader'

/** Largest .tflite we read for inspection: far above anything a microcontroller can hold. */
const MAX_MODEL_BYTES = 64 * 1024 * 1024

export class ModelService implements ModelApi {
  async inspect(path: string): Promise<ModelInspection> {
    const { abs, bytes } = await readModel(path)
    return { path: abs, ...inspectTflite(bytes) }
  }

  async run(path: string, inputFiles: string[]): Promise<ModelRunResult> {
    const interp = new Interpreter(parseTflite((await readModel(path)).bytes))
    if (inputFiles.length !== interp.inputs.length) {
      throw new MicroforgeError(
        'INVALID_ARGUMENT',
        `This model takes ${interp.inputs.length} input tensor(s); ${inputFiles.length} input file(s) given.`,
        interp.inputs.map((t, i) => `Input ${i}: ${t.type} [${t.shape.join(', ')}]`).join('; ')
      )
    }
    const inputs = await Promise.all(inputFiles.map(async (f, i) => decodeInput(await readInputFile(f), f, interp.inputs[i])))
    const outputs = interp.invoke(inputs)
    return {
      outputs: outputs.map((o) => Array.from(o, Number)),
      types: interp.outputs.map((t) => t.type),
      shapes: interp.outputs.map((t) => t.shape)
    }
  }

  async list(projectDir: string): Promise<ModelFile[]> {
    const root = resolve(projectDir)
    const out: ModelFile[] = []
    const walk = async (dir: string, depth: number): Promise<void> => {
      let entries
      try {
        entries = await fs.readdir(dir, { withFileTypes: true })
      } catch {
        return
      }
      for (const e of entries) {
        if (e.name.startsWith('.')) continue
        const p = join(dir, e.name)
        if (e.isDirectory() && depth < 3) await walk(p, depth + 1)
        else if (e.isFile() && e.name.endsWith('.tflite')) {
          const st = await fs.stat(p)
          out.push({ relPath: relative(root, p), path: p, bytes: st.size, modifiedAt: st.mtime.toISOString() })
        }
      }
    }
    await walk(join(root, 'models'), 0)
    return out.sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt))
  }
}

async function readModel(path: string): Promise<{ abs: string; bytes: Uint8Array }> {
  const abs = resolve(path)
  let stat
  try {
    stat = await fs.stat(abs)
  } catch {
    throw new MicroforgeError('NOT_FOUND', `No model file at ${abs}.`, 'Check the path, or pick a variant from the list.')
  }
  if (!stat.isFile()) throw new MicroforgeError('INVALID_ARGUMENT', `${abs} is a folder, not a .tflite file.`, 'Pick the .tflite file inside it.')
  if (stat.size > MAX_MODEL_BYTES) {
    throw new MicroforgeError('MODEL_ERROR', `${abs} is ${(stat.size / 1024 / 1024).toFixed(0)} MB: too large to be a microcontroller model.`, 'Pick the .tflite exported for your board.')
  }
  return { abs, bytes: new Uint8Array(await fs.readFile(abs)) }
}

async function readInputFile(file: string): Promise<Uint8Array> {
  const abs = resolve(file)
  try {
    return new Uint8Array(await fs.readFile(abs))
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'ENOENT') throw new MicroforgeError('NOT_FOUND', `No input file at ${abs}.`, 'Check the path.')
    if (code === 'EISDIR') throw new MicroforgeError('INVALID_ARGUMENT', `${abs} is a folder, not an input file.`, 'Give the path of the file itself.')
    throw err
  }
}
