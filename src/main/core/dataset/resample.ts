/**
 * Band-limited resampling of a recording (values[t][axis]) from one sample rate to another:
 * windowed-sinc interpolation whose cut-off is the lower of the two Nyquist frequencies, so going
 * down from 119 Hz to 50 Hz removes what 50 Hz cannot hold (above 25 Hz) instead of folding it
 * back as aliases, and the recording keeps its duration (n samples at r Hz become
 * round(n * target / r) samples at target Hz).
 */

/** Input samples each side of an output point, at the input rate (more: sharper, slower). */
const HALF_TAPS = 16

export function resampledLength(n: number, fromHz: number, toHz: number): number {
  return Math.max(1, Math.round((n * toHz) / fromHz))
}

export function resample(values: number[][], fromHz: number, toHz: number): number[][] {
  if (!(fromHz > 0) || !(toHz > 0)) throw new RangeError('rates must be > 0')
  const n = values.length
  if (n === 0) return []
  const axes = values[0].length
  const m = resampledLength(n, fromHz, toHz)
  const ratio = fromHz / toHz
  // Cut-off relative to the input Nyquist: 1 when upsampling, toHz/fromHz when downsampling.
  const cut = Math.min(1, 1 / ratio)
  const half = Math.ceil(HALF_TAPS / cut)
  const out: number[][] = []
  for (let k = 0; k < m; k++) {
    // Output sample k sits at input position k * ratio (both start at t = 0).
    const pos = k * ratio
    const centre = Math.floor(pos)
    const acc = new Array<number>(axes).fill(0)
    let weight = 0
    for (let i = centre - half + 1; i <= centre + half; i++) {
      const x = pos - i
      const w = cut * sinc(cut * x) * hann(x / half)
      if (w === 0) continue
      // Edges mirror the recording so a gesture's start and end do not ring towards zero.
      const row = values[mirror(i, n)]
      for (let a = 0; a < axes; a++) acc[a] += w * row[a]
      weight += w
    }
    // Normalised so a constant stays exactly that constant (gravity on aZ stays 1 g).
    out.push(acc.map((v) => v / weight))
  }
  return out
}

function sinc(x: number): number {
  if (x === 0) return 1
  const px = Math.PI * x
  return Math.sin(px) / px
}

/** Hann window over [-1, 1]. */
function hann(u: number): number {
  return Math.abs(u) >= 1 ? 0 : 0.5 * (1 + Math.cos(Math.PI * u))
}

function mirror(i: number, n: number): number {
  if (n === 1) return 0
  const period = 2 * (n - 1)
  let j = ((i % period) + period) % period
  if (j >= n) j = period - j
  return j
}
