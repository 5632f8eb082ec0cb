// Networks as TF.js model artifacts (topology + weight manifest + weight bytes), packed into one
// blob for the store's models table (format 'tfjs'):
//   u32 little-endian n | n bytes of JSON { modelTopology, weightSpecs } | the weight bytes.
// The same artifacts carry weights from the learner's worker to the loop's inference copies.
import * as tf from '@tensorflow/tfjs';

export const CHECKPOINT_FORMAT = 'tfjs';

export interface PackedModel {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** The model's topology and weights, as TF.js saves them. */
export async function packModel(model: tf.LayersModel): Promise<PackedModel> {
  let packed: PackedModel | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      packed = {
        modelTopology: artifacts.modelTopology as object,
        weightSpecs: artifacts.weightSpecs ?? [],
        weightData: tf.io.CompositeArrayBuffer.join(artifacts.weightData),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (packed === null) throw new CheckpointError(`${model.name} produced no artifacts`);
  return packed;
}

export function encodeModel(packed: PackedModel): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({ modelTopology: packed.modelTopology, weightSpecs: packed.weightSpecs }),
  );
  const out = new Uint8Array(4 + header.length + packed.weightData.byteLength);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  out.set(new Uint8Array(packed.weightData), 4 + header.length);
  return out;
}

export function decodeModel(bytes: Uint8Array, what: string): PackedModel {
  try {
    const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
    const header = JSON.parse(
      new TextDecoder().decode(bytes.subarray(4, 4 + length)),
    ) as Partial<PackedModel>;
    if (typeof header.modelTopology !== 'object' || !Array.isArray(header.weightSpecs))
      throw new Error('the header lacks a topology or weight manifest');
    return {
      modelTopology: header.modelTopology as object,
      weightSpecs: header.weightSpecs,
      weightData: bytes.slice(4 + length).buffer,
    };
  } catch (error) {
    throw new CheckpointError(
      `${what} is not a TF.js checkpoint (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** Throws unless the artifacts hold exactly these weight shapes, in order, as float32. */
export function checkShapes(
  expected: readonly (readonly number[])[],
  packed: PackedModel,
  what: string,
): void {
  const found = packed.weightSpecs.map((spec) => spec.shape);
  const mismatch =
    expected.length !== found.length || expected.some((shape, i) => `${shape}` !== `${found[i]}`);
  if (mismatch)
    throw new CheckpointError(
      `${what} has weights of shapes ${describe(found)}, but this environment needs ${describe(expected)}`,
    );
  const bytes = found.reduce((sum, shape) => sum + 4 * shape.reduce((a, b) => a * b, 1), 0);
  if (packed.weightData.byteLength !== bytes || packed.weightSpecs.some((spec) => spec.dtype !== 'float32'))
    throw new CheckpointError(
      `${what} holds ${packed.weightData.byteLength} bytes of weights; expected ${bytes}`,
    );
}

/** Copies the artifacts' weights into an existing model of the same architecture. */
export function loadWeightsInto(model: tf.LayersModel, packed: PackedModel, what: string): void {
  checkShapes(
    model.weights.map((w) => w.shape as number[]),
    packed,
    what,
  );
  tf.tidy(() => {
    let offset = 0;
    const tensors = packed.weightSpecs.map((spec) => {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(packed.weightData, offset, size);
      offset += 4 * size;
      return tf.tensor(values, spec.shape, 'float32');
    });
    model.setWeights(tensors);
  });
}

function describe(shapes: readonly (readonly number[])[]): string {
  return shapes.map((shape) => `[${shape.join(',')}]`).join(' ');
}

/** A model built from the artifacts' own topology, so any architecture TF.js layers describe loads. */
export function modelFromArtifacts(packed: PackedModel): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: packed.modelTopology,
      weightSpecs: packed.weightSpecs,
      weightData: packed.weightData,
    }),
  );
}
