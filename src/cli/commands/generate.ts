import { resolve } from 'node:path'
import { TARGET_IDS, type FirmwareMode, type ProjectKind, type RuntimeId, type TargetId } from '../../shared/boards'
import type { GenerateRequest, GenerateResult } from '../../shared/contract/deploy'
import { MicroforgeError } from '../../shared/errors'
import { defineCommand } from '../command'
import { flag, text } from '../options'

const RUNTIMES: RuntimeId[] = ['tflm', 'c']
const MODES: FirmwareMode[] = ['capture', 'classify', 'profile']
const KINDS: ProjectKind[] = ['arduino', 'platformio', 'esp-idf']

function choice<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback?: T): T {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  throw new MicroforgeError('INVALID_ARGUMENT', `--${name} must be one of ${allowed.join(', ')}${value === undefined ? '' : `, not "${String(value)}"`}.`, `For example --${name} ${allowed[0]}.`)
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`
}

export const generate = defineCommand('generate', 'PROJECT --variant NAME|FILE.tflite --target nano33ble|esp32|pico|stm32f4 [--runtime tflm|c] [--mode capture|classify|profile] [--ide arduino|platformio|esp-idf] [--rev1] [--out DIR] [--zip] [--force] [--allow-stale] [--json]', 'Generate a firmware project (Arduino, PlatformIO or ESP-IDF) for a model variant and a board.', {
  options: {
    variant: text('Variant name in PROJECT/models/variants, or a path to a .tflite (not needed with --mode capture)'),
    target: text('Board: nano33ble, esp32, pico or stm32f4'),
    runtime: text('tflm (TensorFlow Lite Micro, default) or c (Microforge C runtime, int8 models)'),
    mode: text('capture, classify (default) or profile'),
    ide: text('Project kind: arduino, platformio or esp-idf (default: arduino for the Nano, platformio otherwise)'),
    rev1: flag('Nano 33 BLE Sense Rev1 (LSM9DS1) instead of Rev2 (BMI270)'),
    name: text('Folder / sketch name (default VARIANT_TARGET_MODE)'),
    out: text('Output folder (default PROJECT/firmware/NAME; an Arduino sketch takes the folder\'s name), or the .zip path with --zip'),
    zip: flag('Write a .zip instead of a folder'),
    force: flag('Replace an existing folder or zip'),
    'allow-stale': flag('Build from a variant of an earlier model (or of a model trained before the data changed)')
  },
  positionals: [1, 1],
  async run(ctx, [dir], opts) {
    const target = choice<TargetId>('target', opts.target, TARGET_IDS)
    const mode = choice<FirmwareMode>('mode', opts.mode, MODES, 'classify')
    const request: GenerateRequest = {
      projectDir: resolve(dir),
      target,
      runtime: choice<RuntimeId>('runtime', opts.runtime, RUNTIMES, 'tflm'),
      mode
    }
    if (typeof opts.variant === 'string') {
      // A path is resolved against the shell's folder; a bare name is looked up in the project.
      request.variant = /[\\/]|\.tflite$/.test(opts.variant) ? resolve(opts.variant) : opts.variant
    } else if (mode !== 'capture') {
      throw new MicroforgeError('INVALID_ARGUMENT', `--variant is required for ${mode} firmware.`, 'Name a variant from the Optimize step, or give the path of a .tflite file.')
    }
    if (opts.ide !== undefined) request.kind = choice<ProjectKind>('ide', opts.ide, KINDS)
    if (opts.rev1 === true) request.nano33Revision = 'rev1'
    if (typeof opts.name === 'string') request.name = opts.name
    if (typeof opts.out === 'string') request.out = resolve(opts.out)
    if (opts.zip === true) request.zip = true
    if (opts.force === true) request.overwrite = true
    if (opts['allow-stale'] === true) request.allowStale = true
    ctx.progress(`Generating ${mode} firmware for ${target}...`)
    return ctx.api.deploy.generate(request)
  },
  format(result) {
    const r = result as GenerateResult
    const lines = [`Wrote ${r.kind} project: ${r.path}`, `  ${r.files.length} files, serial ${r.baud} baud, samples at ${r.sampleRateHz} Hz in windows of ${r.windowLength}`]
    if (r.sensorWarning) lines.push(`  Warning: ${r.sensorWarning}`)
    if (r.fit) {
      lines.push(`  ${r.fit.runtime === 'c' ? 'Microforge C runtime' : 'TensorFlow Lite Micro'}: flash ${kb(r.fit.flashBytes)} (${r.fit.flashPercent}%), RAM ${kb(r.fit.ramBytes)} (${r.fit.ramPercent}%)${r.fit.fits ? '' : '  DOES NOT FIT'}`)
      for (const p of r.fit.parts) lines.push(`    ${p.label}: ${p.flashBytes ? `flash ${kb(p.flashBytes)}` : ''}${p.flashBytes && p.ramBytes ? ', ' : ''}${p.ramBytes ? `RAM ${kb(p.ramBytes)}` : ''} (${p.source})`)
    }
    lines.push('  Next: open the folder and follow README.md to flash the board.')
    return lines.join('\n')
  }
})
