// Where a person's input comes from. Each source samples on its own timer (never per animation
// frame) and hands HumanInput samples to a sink; the app forwards them to the core. The keyboard is
// the first source; gamepads and wheels (Gamepad API) implement the same interface.
import type { HumanInput } from '../../../main/contract/api.ts';

export type InputSink = (sample: HumanInput) => void;

export interface InputSource {
  /** 'keyboard', or a device id for gamepads and wheels. */
  readonly id: string;
  /** Starts sampling into sink; returns the function that stops it (and sends a final release). */
  start(sink: InputSink): () => void;
  /** Whether the person is holding the takeover control right now. */
  engaged(): boolean;
  /** Told when engaged() changes. */
  onEngagedChange(listener: (engaged: boolean) => void): () => void;
}
