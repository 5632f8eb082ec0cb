// Messages between the chase camera's pane (ChaseView.tsx) and its worker (chase-worker.ts).
import type { SceneEvent } from '../../../../main/contract/api.ts';
import type { ThemeName } from '../../state/prefs.ts';

export type ToWorker =
  | { type: 'init'; canvas: OffscreenCanvas; width: number; height: number; dpr: number; theme: ThemeName }
  | { type: 'resize'; width: number; height: number; dpr: number }
  | { type: 'theme'; theme: ThemeName }
  /** The scene to draw; reset when the frames so far belong to another session. */
  | { type: 'scene'; scene: SceneEvent | null; reset: boolean }
  /** A frame as the core encoded it (transferred). */
  | { type: 'frame'; data: Float64Array }
  /** Render once and report a colour sample now. */
  | { type: 'sample' }
  | { type: 'dispose' };

export type FromWorker =
  | { type: 'ready'; renderer: string | null }
  | { type: 'unavailable'; error: string }
  | {
      type: 'stats';
      draws: number;
      scale: number;
      /** performance.timeOrigin + performance.now() in the worker at the end of each draw. */
      drawEnds: number[];
      durations: number[];
      colours?: number;
    }
  | { type: 'note'; text: string }
  | { type: 'lost' }
  | { type: 'restored' };
