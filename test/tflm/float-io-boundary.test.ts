/**
 * int8 models with float32 I/O start with QUANTIZE. On inputs at its rounding edge (x / scale within
 * a float32 ulp of a half; random inputs hit one about once in 100,000 values), TFLM's host build,
 * the interpreter and the generated C runtime must still agree: TFLM divides in float32, and a
 * quantizer dividing in double (the C runtime did) lands one step away, which the outputs show.
 */
import { describe, expect, it } from 'vitest'
import { parseTflite } from '../../src/main/core/tflite/reader'
import { loadGoldens } from '../golden/golden-file'
import { boundaryInputs, inputQuantizeScale, quantizeBoundaryValues } from '../helpers/quantize-boundary'
import { compareThreeWay } from './helpers/three-way'

const floatIo = loadGoldens().filter((g) => g.input.type === 'FLOAT32' && inputQuantizeScale(g.tflite) !== null)

describe('QUANTIZE at the rounding edge: TFLM, the interpreter and the C runtime', () => {
  it('has float-I/O int8 goldens to try', () => {
    expect(floatIo.map((g) => g.name).length).toBeGreaterThanOrEqual(3)
  })

  it.each(floatIo.map((g) => [g.name, g] as const))('%s: identical outputs on 60 inputs made only of edge values', (_name, g) => {
    const values = quantizeBoundaryValues(inputQuantizeScale(g.tflite)!)
    expect(values.length).toBeGreaterThan(50)
    const elements = parseTflite(g.tflite).subgraphs[0].tensors[parseTflite(g.tflite).subgraphs[0].inputs[0]].elementCount
    const result = compareThreeWay(g.tflite, boundaryInputs(values, elements, 60, 7))
    expect(result.cRuntime).toBe(true)
    expect(result.mismatches).toEqual([])
  })
})
