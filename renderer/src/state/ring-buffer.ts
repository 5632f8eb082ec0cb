// A fixed-capacity ring of numeric records stored column-wise in one Float64Array: pushing never
// allocates, and the oldest record is overwritten once the ring is full.

export class NumericRing<F extends string> {
  readonly capacity: number;
  readonly fields: readonly F[];
  private readonly data: Float64Array;
  private readonly column: Record<F, number>;
  private start = 0;
  private count = 0;
  /** Increments on every change, so readers can tell whether to redraw. */
  version = 0;

  constructor(capacity: number, fields: readonly F[]) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.fields = fields;
    this.data = new Float64Array(capacity * fields.length);
    this.column = Object.fromEntries(fields.map((f, i) => [f, i])) as Record<F, number>;
  }

  get length(): number {
    return this.count;
  }

  push(record: Readonly<Record<F, number>>): void {
    const slot = (this.start + this.count) % this.capacity;
    const base = slot * this.fields.length;
    for (let i = 0; i < this.fields.length; i++) this.data[base + i] = record[this.fields[i]];
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
    this.version++;
  }

  /** The value of field for the i-th record, 0 = oldest, length − 1 = newest. */
  get(i: number, field: F): number {
    if (i < 0 || i >= this.count) return Number.NaN;
    return this.data[((this.start + i) % this.capacity) * this.fields.length + this.column[field]];
  }

  /** The newest record's field, or NaN when empty. */
  last(field: F): number {
    return this.get(this.count - 1, field);
  }

  /** Index of the oldest record whose field is ≥ value (field must be non-decreasing); length if none. */
  lowerBound(field: F, value: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.get(mid, field) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
    this.version++;
  }
}
