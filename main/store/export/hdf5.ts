// HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly; its Node build writes straight to
// the file system), reduced to what the exporters need: appendable datasets and attributes.
//
// h5wasm's default error handler prints HDF5's error stack and carries on, so a write that fails
// (a full disk) would go unnoticed and leave a damaged file. While an export runs, HDF5's throwing
// handler is on instead: every failure becomes an exception carrying that stack (reasonOf in
// atomic-file.ts reduces it to one line).
import type h5wasmModule from 'h5wasm/node';
import type { Dataset, File as H5File, Group } from 'h5wasm/node';

type H5Module = Awaited<(typeof h5wasmModule)['ready']>;

export interface Hdf5 {
  /** Creates (truncating) an HDF5 file. */
  create(file: string): H5File;
  /** Runs body with HDF5 failures thrown as exceptions. */
  throwingErrors<T>(body: () => Promise<T>): Promise<T>;
}

let loading: Promise<Hdf5> | undefined;
let throwingUsers = 0;

/** Loaded on first use: most `aim` commands never touch HDF5, and the module takes ~200 ms to start. */
export function loadHdf5(): Promise<Hdf5> {
  loading ??= import('h5wasm/node').then(async ({ default: h5wasm }) => {
    const module: H5Module = await h5wasm.ready;
    return {
      create: (file) => new h5wasm.File(file, 'w'),
      async throwingErrors(body) {
        // Counted, because the handler is process-wide and two exports may overlap.
        if (throwingUsers++ === 0) module.activate_throwing_error_handler();
        try {
          return await body();
        } finally {
          if (--throwingUsers === 0) module.deactivate_throwing_error_handler();
        }
      },
    };
  });
  return loading;
}

export type ColumnType = 'float32' | 'float64' | 'uint8' | 'int32';
export type ColumnArray = Float32Array | Float64Array | Uint8Array | Int32Array;

const DTYPES: Record<ColumnType, string> = { float32: '<f', float64: '<d', uint8: '<B', int32: '<i' };
const ARRAYS = { float32: Float32Array, float64: Float64Array, uint8: Uint8Array, int32: Int32Array };
const BYTES: Record<ColumnType, number> = { float32: 4, float64: 8, uint8: 1, int32: 4 };

// HDF5 reads and writes whole chunks; about 256 KiB each keeps a demo's datasets compact on disk
// (a short takeover does not occupy a full-size chunk) without many tiny chunks for long episodes.
const CHUNK_BYTES = 256 * 1024;

export function newColumnArray(type: ColumnType, length: number): ColumnArray {
  return new ARRAYS[type](length);
}

/**
 * A dataset of rows that grows as rows arrive: [n] for width 1, [n, width] otherwise. `expectedRows`
 * (an upper bound of the final length) only sizes the chunks.
 */
export class AppendableDataset {
  readonly #dataset: Dataset;
  readonly #width: number;
  #rows = 0;

  constructor(group: Group, name: string, type: ColumnType, width: number, expectedRows: number) {
    const rowBytes = BYTES[type] * width;
    const chunkRows = Math.max(1, Math.min(expectedRows, Math.max(64, Math.floor(CHUNK_BYTES / rowBytes))));
    const matrix = width > 1;
    this.#width = width;
    this.#dataset = group.create_dataset({
      name,
      data: newColumnArray(type, 0),
      shape: matrix ? [0, width] : [0],
      maxshape: matrix ? [null, width] : [null],
      chunks: matrix ? [chunkRows, width] : [chunkRows],
      dtype: DTYPES[type],
    });
  }

  get rows(): number {
    return this.#rows;
  }

  setAttrs(attrs: Record<string, AttrValue>): void {
    setAttrs(this.#dataset, attrs);
  }

  /** Appends the first `rows` rows of `values` (row-major). */
  append(values: ColumnArray, rows: number): void {
    if (rows === 0) return;
    const end = this.#rows + rows;
    const matrix = this.#width > 1;
    this.#dataset.resize(matrix ? [end, this.#width] : [end]);
    this.#dataset.write_slice(
      matrix ? [[this.#rows, end], []] : [[this.#rows, end]],
      values.subarray(0, rows * this.#width),
    );
    this.#rows = end;
  }
}

/** Attribute values; null leaves the attribute out (h5py's attrs.get gives None). */
export type AttrValue = number | string | boolean | null | readonly string[];

/** Whole numbers as int32 when they fit, other numbers (and NaN) as float64, booleans as uint8. */
export function setAttrs(target: Group | Dataset, attrs: Record<string, AttrValue>): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null) continue;
    if (typeof value === 'boolean') target.create_attribute(name, value ? 1 : 0, null, '<B');
    else if (typeof value === 'number')
      target.create_attribute(
        name,
        value,
        null,
        Number.isInteger(value) && Math.abs(value) < 2 ** 31 ? '<i' : '<d',
      );
    else if (typeof value === 'string') target.create_attribute(name, value);
    else target.create_attribute(name, [...value]);
  }
}
