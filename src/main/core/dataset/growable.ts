/** A growable run of float64 values: one recording's samples or clock, 8 bytes a value instead of an array per row. */
export class GrowableF64 {
  private data = new Float64Array(1024)
  private n = 0

  push(v: number): void {
    if (this.n === this.data.length) this.grow(this.n + 1)
    this.data[this.n++] = v
  }

  pushAll(vs: Float64Array): void {
    if (this.n + vs.length > this.data.length) this.grow(this.n + vs.length)
    this.data.set(vs, this.n)
    this.n += vs.length
  }

  /** The values so far (a view: copy it before the next push or clear). */
  view(): Float64Array {
    return this.data.subarray(0, this.n)
  }

  clear(): void {
    this.n = 0
  }

  private grow(need: number): void {
    const next = new Float64Array(Math.max(need, this.data.length * 2))
    next.set(this.data.subarray(0, this.n))
    this.data = next
  }
}
