/** Shape helpers of the C generator: 4-D NHWC shapes and TFLite's SAME padding. */
import { MicroforgeError } from '../../../shared/errors'

export function to4d(shape: number[]): [number, number, number, number] {
  const s = [...shape]
  while (s.length < 4) s.unshift(1)
  if (s.length > 4) throw new MicroforgeError('UNSUPPORTED', `A tensor of rank ${shape.length} is beyond the C runtime's 4-D kernels.`, 'Use the TensorFlow Lite Micro runtime.')
  return s as [number, number, number, number]
}

export function shape4(shape: number[]): string {
  const [n, h, w, c] = to4d(shape)
  return `{${n}, ${h}, ${w}, ${c}}`
}

export function samePadding(inSize: number, filter: number, stride: number, dilation: number, outSize: number, padding: 'same' | 'valid'): number {
  if (padding === 'valid') return 0
  const effective = (filter - 1) * dilation + 1
  return Math.floor(Math.max((outSize - 1) * stride + effective - inSize, 0) / 2)
}
