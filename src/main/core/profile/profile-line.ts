/**
 * Reads one line of profile output. Boards print it in many ways:
 *   sensor:180 preprocess:210 inference:1200 output:5 µs      (the lessons' profile.ino)
 *   sensor:0.18ms inference=1.2ms                              (per-value units, any order, any subset)
 *   arena_used:2192 free_heap:123456                           (memory as key:value)
 *   I (312) benchmark: Arena used: 2192 / 32768 bytes          (ESP_LOGI, memory as a sentence)
 *   window:3 label:wave index:0 scores:-128,127,-128           (classify mode; window and scores optional)
 * µ arrives as UTF-8, as Latin-1 (0xB5), as the Greek mu, or mangled into Âµ or U+FFFD by a
 * decoder that guessed wrong; all of them mean micro. Anything unreadable is reported as garbage
 * so the caller can count it; nothing here throws.
 */

export type ProfileLine =
  | { kind: 'blank' }
  | { kind: 'timing'; stages: Record<string, number>; memory: MemoryValues }
  | { kind: 'memory'; memory: MemoryValues }
  | { kind: 'classification'; label: string; index?: number; window?: number; scores?: number[] }
  | { kind: 'text'; text: string }
  | { kind: 'garbage' }

export interface MemoryValues {
  arenaUsed?: number
  arenaSize?: number
  freeHeap?: number
  other?: Record<string, number>
}

/** Canonical stage names; boards use many spellings for the same four stages. */
const STAGE_ALIASES: Record<string, string> = {
  sensor: 'sensor',
  read: 'sensor',
  sample: 'sensor',
  sampling: 'sensor',
  acquire: 'sensor',
  acquisition: 'sensor',
  imu: 'sensor',
  preprocess: 'preprocess',
  preprocessing: 'preprocess',
  pre: 'preprocess',
  prep: 'preprocess',
  features: 'preprocess',
  normalize: 'preprocess',
  quantize: 'preprocess',
  inference: 'inference',
  infer: 'inference',
  invoke: 'inference',
  model: 'inference',
  predict: 'inference',
  output: 'output',
  postprocess: 'output',
  post: 'output',
  argmax: 'output',
  result: 'output'
}

export const CANONICAL_STAGES = ['sensor', 'preprocess', 'inference', 'output'] as const

const TIME_FACTORS: Record<string, number> = { ns: 0.001, us: 1, ms: 1000, s: 1_000_000 }
const BYTE_FACTORS: Record<string, number> = { b: 1, byte: 1, bytes: 1, kb: 1024, kib: 1024, k: 1024 }

/** More stages than this on one line is not a profile line but something else printing key:value. */
const MAX_STAGES = 16

// The value may be followed by its own unit after a space: `inference: 1.2 ms, sensor: 180 us`.
const KEY_VALUE = /([A-Za-z_][\w.]*)\s*[:=]\s*([^\s,;|]+)(?:\s+(ns|us|ms|s|bytes|byte|b|kb|kib)\b)?/gi
const NUMBER_WITH_UNIT = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([A-Za-z]*)$/
const TRAILING_UNIT = /(?:^|[\s,;|])(ns|us|ms|s)\.?\s*$/i
const CLASS_KEYS = new Set(['label', 'class', 'prediction', 'pred', 'gesture', 'predicted'])
const INDEX_KEYS = new Set(['index', 'idx', 'class_index', 'classindex'])

/** Replaces every spelling of the micro sign with `u` so `µs` reads as `us`. */
export function normalizeMicro(line: string): string {
  return line.replace(/(?:Â?[µμ]|\uFFFD)(?=s\b)/g, 'u')
}

export function parseProfileLine(raw: string): ProfileLine {
  const line = normalizeMicro(raw.replace(/[\r\n]+$/, '')).trim()
  if (line === '') return { kind: 'blank' }
  // Control characters and leftover replacement characters mean a wrong baud rate or line noise.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0b-\x1f\x7f\uFFFD]/.test(line)) return { kind: 'garbage' }

  const sentence = parseMemorySentence(line)
  if (sentence) return { kind: 'memory', memory: sentence }

  const pairs = [...line.matchAll(KEY_VALUE)].map((m) => ({ key: m[1], value: m[2] + (m[3] ?? '') }))
  if (pairs.length === 0) return looksLikeWords(line) ? { kind: 'text', text: line } : { kind: 'garbage' }

  const classification = readClassification(line, pairs)
  if (classification) return classification

  const lineUnit = TRAILING_UNIT.exec(line)?.[1]?.toLowerCase()
  const stages: Record<string, number> = {}
  const memory: MemoryValues = {}
  let stageCount = 0
  let knownStage = false
  let unitSeen = lineUnit !== undefined
  let negative = false
  for (const p of pairs) {
    const m = NUMBER_WITH_UNIT.exec(p.value)
    if (!m) {
      // `inference:nan` from a broken timer is a bad timing; `runtime:microforge-c` is information
      // printed next to the numbers, skipped.
      const timingKey = STAGE_ALIASES[p.key.toLowerCase()] !== undefined || memoryKey(p.key.toLowerCase()) !== null
      if (timingKey || /^[+-]?\d/.test(p.value)) return { kind: 'garbage' }
      continue
    }
    const value = Number(m[1])
    const unit = m[2].toLowerCase()
    const key = p.key.toLowerCase()
    if (!Number.isFinite(value)) return { kind: 'garbage' }
    const memKey = memoryKey(key)
    if (memKey || (unit !== '' && unit in BYTE_FACTORS)) {
      if (unit !== '' && !(unit in BYTE_FACTORS)) return { kind: 'garbage' }
      // `free_heap:-1` is how firmware says "cannot tell"; the other values on the line still count.
      if (value < 0) continue
      setMemory(memory, memKey ?? key, value * (BYTE_FACTORS[unit] ?? 1))
      continue
    }
    if (unit !== '' && !(unit in TIME_FACTORS)) return { kind: 'garbage' }
    if (unit !== '') unitSeen = true
    if (value < 0) negative = true
    // `ensor:166` is `sensor:166` with its start lost (a port opened mid-line): not a new stage.
    if (!STAGE_ALIASES[key] && CANONICAL_STAGES.some((c) => c.endsWith(key))) return { kind: 'garbage' }
    const stage = STAGE_ALIASES[key] ?? key
    if (STAGE_ALIASES[key]) knownStage = true
    const factor = TIME_FACTORS[unit || lineUnit || 'us']
    stages[stage] = (stages[stage] ?? 0) + value * factor
    stageCount++
  }
  if (stageCount === 0) return hasMemory(memory) ? { kind: 'memory', memory } : looksLikeWords(line) ? { kind: 'text', text: line } : { kind: 'garbage' }
  // key:value numbers without a time unit and without a stage name are some other data
  // (a capture sketch's `aX:0.1 aY:0.2`), not timings.
  if (!knownStage && !unitSeen) return { kind: 'text', text: line }
  // A negative duration is a wrapped micros() counter or a bug; never a real timing.
  if (negative) return { kind: 'garbage' }
  if (stageCount > MAX_STAGES) return { kind: 'garbage' }
  return { kind: 'timing', stages: roundStages(stages), memory }
}

function roundStages(stages: Record<string, number>): Record<string, number> {
  // Unit conversions (0.21 ms -> 210.00000000000003 µs) should not leak float noise into files.
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(stages)) out[k] = Math.round(v * 1000) / 1000
  return out
}

function readClassification(line: string, pairs: { key: string; value: string }[]): ProfileLine | null {
  const labelPair = pairs.find((p) => CLASS_KEYS.has(p.key.toLowerCase()))
  if (!labelPair || /^[+-]?\d/.test(labelPair.value)) return null
  const out: Extract<ProfileLine, { kind: 'classification' }> = { kind: 'classification', label: labelPair.value }
  const indexPair = pairs.find((p) => INDEX_KEYS.has(p.key.toLowerCase()))
  if (indexPair && /^\d+$/.test(indexPair.value)) out.index = Number(indexPair.value)
  const windowPair = pairs.find((p) => p.key.toLowerCase() === 'window')
  if (windowPair && /^\d+$/.test(windowPair.value)) out.window = Number(windowPair.value)
  // Scores are one comma-separated list (raw int8 or float outputs), which key:value splitting cuts apart.
  const scores = /\bscores?\s*[:=]\s*([-+\d.eE]+(?:,[-+\d.eE]+)*)/.exec(line)
  if (scores) {
    const values = scores[1].split(',').map(Number)
    if (values.every(Number.isFinite)) out.scores = values
  }
  return out
}

/** Maps a printed memory key to arenaUsed, arenaSize or freeHeap; null when it is not one. */
function memoryKey(key: string): keyof Omit<MemoryValues, 'other'> | null {
  const k = key.replace(/[_.\s-]/g, '')
  if (/^(arena|arenaused|arenausedbytes|tensorarenaused|arenabytes)$/.test(k)) return 'arenaUsed'
  if (/^(arenasize|arenatotal|arenacapacity|tensorarenasize)$/.test(k)) return 'arenaSize'
  if (/^(free|freeheap|heapfree|freemem|freememory|freeram|ramfree|memfree)(bytes)?$/.test(k)) return 'freeHeap'
  return null
}

function setMemory(memory: MemoryValues, key: string, bytes: number): void {
  if (key === 'arenaUsed' || key === 'arenaSize' || key === 'freeHeap') memory[key] = bytes
  else (memory.other ??= {})[key] = bytes
}

function hasMemory(m: MemoryValues): boolean {
  return m.arenaUsed !== undefined || m.arenaSize !== undefined || m.freeHeap !== undefined || (m.other !== undefined && Object.keys(m.other).length > 0)
}

const MEMORY_SENTENCE =
  /\b(tensor arena used|arena used|arena size|tensor arena size|arena|free heap|heap free|free memory|free ram|free mem)\b(?: after| at start)?\s*[:=]?\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(\d+(?:\.\d+)?)\s*)?(bytes|byte|b|kib|kb|k)?\b/i

/** `Arena used: 2192 / 32768 bytes`, `Free heap: 123456 bytes`, `free memory 12 KB`. */
function parseMemorySentence(line: string): MemoryValues | null {
  const m = MEMORY_SENTENCE.exec(line)
  if (!m) return null
  // `arena_used:2192` is handled as a key:value pair; a sentence has a space in its key or no colon at all.
  const phrase = m[1].toLowerCase()
  if (!phrase.includes(' ') && /^\s*[:=]/.test(line.slice((m.index ?? 0) + m[1].length))) return null
  const factor = BYTE_FACTORS[(m[4] ?? 'b').toLowerCase()] ?? 1
  const value = Number(m[2]) * factor
  const out: MemoryValues = {}
  if (phrase.includes('arena')) {
    if (phrase.includes('size')) out.arenaSize = value
    else out.arenaUsed = value
    if (m[3] !== undefined) out.arenaSize = Number(m[3]) * factor
  } else {
    out.freeHeap = value
  }
  return out
}

/** Mostly letters and spaces: a banner or a log line, not noise. */
function looksLikeWords(line: string): boolean {
  const letters = (line.match(/[A-Za-z]/g) ?? []).length
  const odd = (line.match(/[^\w\s.,:;=()[\]/%#'"!?+-]/g) ?? []).length
  return letters >= 2 && letters >= line.length * 0.4 && odd <= line.length * 0.1
}
