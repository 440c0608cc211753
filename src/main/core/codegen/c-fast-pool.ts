/**
 * Pooling and MEAN for the fast path: the same arithmetic as mf_runtime.c's reference kernels
 * (window clipped to the input, TFLM's rounding of the average, QuantizedMeanOrSum for MEAN), with
 * strides the generator knows instead of 4-D index arithmetic per element. On DSP cores max pooling
 * takes four channels per instruction pair (SSUB8 then SEL picks the larger bytes).
 */
import { meanMultiplier } from '../quant/kernels/mean'
import { cInt32 } from './c-literals'
import { activationRange } from './fixed-point'
import type { CgModel, CgOperator } from './graph'

export const POOL_SOURCE = String.raw`
typedef struct {
  int16_t in_h, in_w, ch, out_h, out_w, f_h, f_w, stride_h, stride_w, pad_h, pad_w;
  int8_t act_min, act_max, is_max;
} mf_fpool;

#if defined(__ARM_FEATURE_DSP)
/* Per signed byte: SSUB8 sets the GE flags where the first operand is not smaller, SEL picks. */
MF_INLINE uint32_t mf_max4(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("ssub8 %0, %1, %2\n\tsel %0, %1, %2" : "=&r"(r) : "r"(a), "r"(b));
  return r;
}
MF_INLINE uint32_t mf_min4(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("ssub8 %0, %2, %1\n\tsel %0, %1, %2" : "=&r"(r) : "r"(a), "r"(b));
  return r;
}
#endif

static void mf_fpool_s8(const mf_fpool *p, const int8_t *in, int8_t *out) {
  const int32_t ch = p->ch, row = p->in_w * ch;
  int32_t oy, ox, c, fy, fx;
  for (oy = 0; oy < p->out_h; ++oy) {
    const int32_t y0 = oy * p->stride_h - p->pad_h;
    const int32_t fy0 = y0 < 0 ? -y0 : 0, fy1 = p->f_h < p->in_h - y0 ? p->f_h : p->in_h - y0;
    for (ox = 0; ox < p->out_w; ++ox, out += ch) {
      const int32_t x0 = ox * p->stride_w - p->pad_w;
      const int32_t fx0 = x0 < 0 ? -x0 : 0, fx1 = p->f_w < p->in_w - x0 ? p->f_w : p->in_w - x0;
      const int8_t *base = in + y0 * row + x0 * ch;
      const int32_t count = (fy1 - fy0) * (fx1 - fx0);
      c = 0;
#if defined(__ARM_FEATURE_DSP)
      if (p->is_max) {
        const uint32_t lo = 0x01010101u * (uint8_t)p->act_min, hi = 0x01010101u * (uint8_t)p->act_max;
        for (; c + 3 < ch; c += 4) {
          uint32_t m = 0x80808080u;
          for (fy = fy0; fy < fy1; ++fy)
            for (fx = fx0; fx < fx1; ++fx) m = mf_max4((uint32_t)mf_ld4(base + fy * row + fx * ch + c), m);
          m = mf_min4(mf_max4(m, lo), hi);
          memcpy(out + c, &m, 4);
        }
      }
#endif
      for (; c < ch; ++c) {
        int32_t acc = p->is_max ? -128 : 0;
        for (fy = fy0; fy < fy1; ++fy) {
          const int8_t *q = base + fy * row + c;
          for (fx = fx0; fx < fx1; ++fx) {
            const int32_t v = q[fx * ch];
            if (p->is_max) acc = v > acc ? v : acc;
            else acc += v;
          }
        }
        if (!p->is_max) acc = count == 0 ? 0 : acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
        acc = acc < p->act_min ? p->act_min : acc;
        out[c] = (int8_t)(acc > p->act_max ? p->act_max : acc);
      }
    }
  }
}
`

export interface FastPoolShape {
  inH: number
  inW: number
  ch: number
  outH: number
  outW: number
  fH: number
  fW: number
  strideH: number
  strideW: number
  padH: number
  padW: number
}

export function emitFastPool(p: string, s: FastPoolShape, act: { min: number; max: number }, isMax: boolean, inRef: string, outRef: string): { decls: string[]; call: string } {
  const fields = [s.inH, s.inW, s.ch, s.outH, s.outW, s.fH, s.fW, s.strideH, s.strideW, s.padH, s.padW, act.min, act.max, isMax ? 1 : 0]
  return { decls: [`static const mf_fpool ${p} = {${fields.join(', ')}};`], call: `  mf_fpool_s8(&${p}, ${inRef}, ${outRef});` }
}

/** MEAN over every position of [1, h, w, ch] per channel (TFLM's QuantizedMeanOrSum). */
export const MEAN_SOURCE = String.raw`
static void mf_fmean_s8(const int8_t *in, int8_t *out, int32_t count, int32_t ch, int32_t in_zp, int32_t out_zp,
                        int32_t mult, int32_t shift) {
  int32_t c, i;
  for (c = 0; c < ch; ++c) {
    const int8_t *q = in + c;
    int32_t sum = 0, r;
    for (i = 0; i < count; ++i, q += ch) sum += *q;
    r = mf_multiply_by_quantized_multiplier(sum - in_zp * count, mult, shift) + out_zp;
    out[c] = (int8_t)(r < -128 ? -128 : r > 127 ? 127 : r);
  }
}
`

function to4d(shape: number[]): number[] {
  const s = [...shape]
  while (s.length < 4) s.unshift(1)
  return s
}

function pad(inSize: number, filter: number, stride: number, outSize: number, padding: 'same' | 'valid'): number {
  return padding === 'valid' ? 0 : Math.floor(Math.max((outSize - 1) * stride + filter - inSize, 0) / 2)
}

/** The fast pooling or MEAN of an op, or null (other ops, or a MEAN that is not over height and width). */
export function emitFastPoolOrMean(op: CgOperator, model: CgModel, p: string, inRef: string, outRef: string): { kernel: 'pool' | 'mean'; decls: string[]; call: string } | null {
  const input = model.tensors[op.inputs[0]]
  const output = model.tensors[op.outputs[0]]
  if (input.shape.length > 4 || output.shape.length > 4) return null
  const [n, inH, inW, ch] = to4d(input.shape)
  if (n !== 1 || Math.max(inH, inW, ch) > 32767) return null
  if (op.op === 'MAX_POOL_2D' || op.op === 'AVERAGE_POOL_2D') {
    const [, outH, outW] = to4d(output.shape)
    const o = op.options
    const shape = {
      inH,
      inW,
      ch,
      outH,
      outW,
      fH: o.filterH,
      fW: o.filterW,
      strideH: o.strideH,
      strideW: o.strideW,
      padH: pad(inH, o.filterH, o.strideH, outH, o.padding),
      padW: pad(inW, o.filterW, o.strideW, outW, o.padding)
    }
    const act = activationRange(op.options.activation, output.scale[0], output.zeroPoint[0])
    return { kernel: 'pool', ...emitFastPool(p, shape, act, op.op === 'MAX_POOL_2D', inRef, outRef) }
  }
  if (op.op !== 'MEAN') return null
  const axisT = model.tensors[op.inputs[1]]
  if (!axisT?.data) return null
  const axes = new Int32Array(new Uint8Array(axisT.data).buffer, 0, axisT.data.byteLength >> 2)
  const rank = input.shape.length
  const reduce = [0, 0, 0, 0]
  for (const ax of axes) reduce[(ax < 0 ? ax + rank : ax) + (4 - rank)] = 1
  if (reduce[0] || reduce[3] || (!reduce[1] && inH !== 1) || (!reduce[2] && inW !== 1)) return null
  const count = inH * inW
  if (count === 0) return null
  const q = meanMultiplier(input.scale[0], output.scale[0], count)
  return { kernel: 'mean', decls: [], call: `  mf_fmean_s8(${inRef}, ${outRef}, ${count}, ${ch}, ${input.zeroPoint[0]}, ${output.zeroPoint[0]}, ${cInt32(q.multiplier)}, ${q.shift});` }
}
