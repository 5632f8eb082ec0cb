// A weightless layer that lets MinigridCNN train on the wasm backend, which has no Conv2D filter
// gradient: a 2×2 valid convolution is a dense layer over 2×2 patches (the four shifted views
// stacked on the channel axis), built from slice and concat, whose gradients every backend has.
import * as tf from '@tensorflow/tfjs';

type Shape = Array<number | null>;

function single(shape: tf.Shape | tf.Shape[]): Shape {
  return (Array.isArray(shape[0]) ? shape[0] : shape) as Shape;
}

/** [B, H, W, C] → [B, H−1, W−1, 4C]: each position's 2×2 neighbourhood, row-major, on the channel axis. */
export class Patches2x2 extends tf.layers.Layer {
  static readonly className = 'Patches2x2';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, h, w, c] = single(inputShape);
    return [batch, (h as number) - 1, (w as number) - 1, 4 * (c as number)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [batch, h, w, c] = x.shape;
      const view = (dy: number, dx: number) => tf.slice(x, [0, dy, dx, 0], [batch, h - 1, w - 1, c]);
      return tf.concat([view(0, 0), view(0, 1), view(1, 0), view(1, 1)], 3);
    });
  }
}

tf.serialization.registerClass(Patches2x2);
