/** The Markdown tables of `npm run bench -- m4`. */
import type { ModelResult } from './model-result'
import { heldOutErrors } from './fit'

const n = (x: number): string => Math.round(x).toLocaleString('en-US')
const perMac = (instr: number, macs: number): string => (macs ? ` (${(instr / macs).toFixed(1)})` : '')
/** Instructions, then instructions per MAC in brackets; '-' where the runtime did not run. */
const instructions = (instr: number | undefined, macs: number): string => (instr === undefined ? '-' : `${n(instr)}${perMac(instr, macs)}`)

type RuntimeKey = keyof ModelResult['runtimes']

/** One row per operator of each model: its shape and MACs, then the instructions each runtime spent on it. */
function operatorRows(models: ModelResult[], runtimes: RuntimeKey[]): string[] {
  return models.flatMap((r) =>
    r.ops.map((o, i) => `| ${r.name} | ${o.op} | ${JSON.stringify(o.inShape)} -> ${JSON.stringify(o.outShape)} | ${n(o.macs)} | ${runtimes.map((k) => instructions(r.runtimes[k]?.opInstructions[i], o.macs)).join(' | ')} |`)
  )
}

export function markdown(results: ModelResult[], floatResults: ModelResult[] = []): string {
  const bench = results.filter((r) => r.set === 'bench')
  const lines = [
    '# Cortex-M4F instructions per inference (QEMU mps2-an386, -icount)',
    '',
    '| model (MACs) | C runtime before | C runtime now | TFLM reference | TFLM + CMSIS-NN | C now / CMSIS-NN | bit-exact |',
    '|---|---|---|---|---|---|---|'
  ]
  for (const r of bench) {
    const c = r.runtimes
    const cell = (k: RuntimeKey): string => instructions(c[k]?.instructions, r.macs)
    const ratio = c.c && c['tflm-cmsis-nn'] ? (c.c.instructions / c['tflm-cmsis-nn'].instructions).toFixed(2) : '-'
    lines.push(`| ${r.name} (${n(r.macs)}) | ${cell('c-before')} | ${cell('c')} | ${cell('tflm-reference')} | ${cell('tflm-cmsis-nn')} | ${ratio} | ${r.bitExact ? 'yes' : 'NO'} |`)
  }
  lines.push('', '## Code beyond the model, arena and peak stack (bytes)', '', '| model | C code | C arena | C stack | TFLM ref code | TFLM ref arena | CMSIS-NN code | CMSIS-NN arena | CMSIS-NN stack | C arena / TFLM arena |', '|---|---|---|---|---|---|---|---|---|---|')
  for (const r of bench) {
    const c = r.runtimes
    const arenaRatio = c.c && c['tflm-reference'] ? `${Math.round((100 * c.c.arenaBytes) / Math.min(c['tflm-reference'].arenaBytes, c['tflm-cmsis-nn']?.arenaBytes ?? Infinity))}%` : '-'
    lines.push(
      `| ${r.name} | ${n(c.c?.codeBytes ?? 0)} | ${n(c.c?.arenaBytes ?? 0)} | ${n(c.c?.stackBytes ?? 0)} | ${n(c['tflm-reference']?.codeBytes ?? 0)} | ${n(c['tflm-reference']?.arenaBytes ?? 0)} | ${n(c['tflm-cmsis-nn']?.codeBytes ?? 0)} | ${n(c['tflm-cmsis-nn']?.arenaBytes ?? 0)} | ${n(c['tflm-cmsis-nn']?.stackBytes ?? 0)} | ${arenaRatio} |`
    )
  }
  lines.push('', '## C runtime per operator: instructions (per MAC)', '', '| model | operator | shape in -> out | MACs | C now | CMSIS-NN |', '|---|---|---|---|---|---|')
  lines.push(...operatorRows(bench, ['c', 'tflm-cmsis-nn']))
  const pct = (e: number | undefined): string => (e === undefined ? '-' : `${e >= 0 ? '+' : ''}${(100 * e).toFixed(1)}%`)
  const int8Errors = heldOutErrors(results, 'int8')
  if (int8Errors.length) {
    lines.push('', '## int8 latency cost models: held-out error (fitted on the sweep models, predicting these)', '', '| model | C runtime | TFLM + CMSIS-NN | TFLM reference |', '|---|---|---|---|')
    for (const e of int8Errors) lines.push(`| ${e.model} | ${pct(e.errors.c)} | ${pct(e.errors['tflm-cmsis-nn'])} | ${pct(e.errors['tflm-reference'])} |`)
  }
  const floatBench = floatResults.filter((r) => r.set === 'bench')
  if (floatBench.length) {
    const floatErrors = new Map(heldOutErrors(floatResults, 'float32').map((e) => [e.model, e.errors]))
    lines.push(
      '',
      '# float32 on TFLM (the C runtime runs int8 only): instructions per inference (per MAC)',
      '',
      'CMSIS-NN has no float32 kernels: the CMSIS-NN library runs the reference ones. Held-out error: float cost models fitted on the float32 sweep models, predicting these.',
      '',
      '| model (MACs) | TFLM reference | TFLM + CMSIS-NN | held-out error reference | held-out error CMSIS-NN | largest output difference from the interpreter |',
      '|---|---|---|---|---|---|'
    )
    for (const r of floatBench) {
      const cell = (k: RuntimeKey): string => instructions(r.runtimes[k]?.instructions, r.macs)
      const e = floatErrors.get(r.name) ?? {}
      lines.push(`| ${r.name} (${n(r.macs)}) | ${cell('tflm-reference')} | ${cell('tflm-cmsis-nn')} | ${pct(e['tflm-reference'])} | ${pct(e['tflm-cmsis-nn'])} | ${(r.maxFloatDiff ?? 0).toExponential(1)}${r.bitExact ? '' : ' (too large)'} |`)
    }
    lines.push('', '## float32 per operator: instructions (per MAC)', '', '| model | operator | shape in -> out | MACs | TFLM reference | TFLM + CMSIS-NN |', '|---|---|---|---|---|---|')
    lines.push(...operatorRows(floatBench, ['tflm-reference', 'tflm-cmsis-nn']))
  }
  return `${lines.join('\n')}\n`
}
