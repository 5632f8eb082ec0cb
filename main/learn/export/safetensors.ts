// The safetensors format (https://huggingface.co/docs/safetensors): an unsigned 64-bit little-endian
// header length N, N bytes of JSON naming every tensor's dtype, shape and [begin, end) byte range in
// the data that follows, then the raw little-endian tensor data, with no gaps. The header is padded
// with spaces to a multiple of 8 bytes so every tensor starts aligned, as the reference writer does.

export interface FloatTensor {
  name: string;
  shape: readonly number[];
  values: Float32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export interface SafetensorsContents {
  /** Each tensor's raw bytes (little-endian float32), in file order. */
  tensors: Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }>;
  metadata: Record<string, string>;
}

export function encodeSafetensors(
  tensors: readonly FloatTensor[],
  metadata: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const tensor of tensors) {
    const size = tensor.shape.reduce((a, b) => a * b, 1);
    if (size !== tensor.values.length)
      throw new RangeError(
        `tensor ${tensor.name} has ${tensor.values.length} values for shape [${tensor.shape}]`,
      );
    header[tensor.name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [offset, offset + 4 * size] };
    offset += 4 * size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = new Uint8Array(json.length + ((8 - (json.length % 8)) % 8)).fill(0x20);
  headerBytes.set(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const tensor of tensors) {
    for (const value of tensor.values) {
      view.setFloat32(at, value, true);
      at += 4;
    }
  }
  return out;
}

/** Reads and checks a safetensors file; throws an Error saying what is wrong with it. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (bytes.length < 8) throw new Error('it is shorter than the 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8)
    throw new Error(`its header length ${headerLength} runs past the end of the file`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)),
    );
  } catch (error) {
    throw new Error(`its header is not JSON (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new Error('its header is not a JSON object');
  const data = bytes.subarray(8 + headerLength);
  const { __metadata__: metadata = {}, ...entries } = header as { __metadata__?: Record<string, string> };
  const ordered = Object.entries(entries as Record<string, HeaderEntry>).sort(
    ([, a], [, b]) => a.data_offsets?.[0] - b.data_offsets?.[0],
  );
  const tensors: SafetensorsContents['tensors'] = new Map();
  let expected = 0;
  for (const [name, entry] of ordered) {
    const { dtype, shape, data_offsets: range } = entry;
    if (dtype !== 'F32') throw new Error(`tensor ${name} is ${String(dtype)}; only F32 is expected`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
      throw new Error(`tensor ${name} has no valid shape`);
    if (
      !Array.isArray(range) ||
      range[0] !== expected ||
      range[1] - range[0] !== 4 * shape.reduce((a, b) => a * b, 1)
    )
      throw new Error(
        `tensor ${name}'s byte range ${JSON.stringify(range)} does not follow on or fit its shape`,
      );
    tensors.set(name, { dtype, shape, bytes: data.subarray(range[0], range[1]) });
    expected = range[1];
  }
  if (expected !== data.length)
    throw new Error(`its data holds ${data.length} bytes; the header accounts for ${expected}`);
  return { tensors, metadata };
}
