/**
 * Makes a window exactly `length` samples long, as the tutorials do before training: keep the
 * first samples when it is longer, append samples when it is shorter (zeros by default, or
 * repeat the last sample so a gesture does not end in a jump to 0).
 */
export type PadMode = 'zeros' | 'repeat-last'

export function fitLength(values: number[][], length: number, pad: PadMode = 'zeros'): number[][] {
  if (values.length >= length) return values.slice(0, length)
  const axes = values[0]?.length ?? 0
  const fill = pad === 'repeat-last' && values.length > 0 ? values[values.length - 1] : new Array<number>(axes).fill(0)
  const out = values.slice()
  while (out.length < length) out.push(fill.slice())
  return out
}

/** The window length most windows share (the mode), ties to the longer one. */
export function commonLength(windows: number[][][]): number | null {
  const counts = new Map<number, number>()
  for (const w of windows) counts.set(w.length, (counts.get(w.length) ?? 0) + 1)
  let best: number | null = null
  let bestCount = 0
  for (const [len, c] of counts) {
    if (c > bestCount || (c === bestCount && best !== null && len > best)) {
      best = len
      bestCount = c
    }
  }
  return best
}
