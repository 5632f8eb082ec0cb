// The takeover inspector's traces as uPlot's aligned columns: raw device samples (at the device's
// rate, with the pre-roll) and the per-decision applied and novice actions on one time axis, null
// where a series has no value at that instant. Pure.
import type { TakeoverDetail } from '../../../../main/contract/review.ts';

export interface InspectorTraces {
  /** Seconds from the takeover's first step. */
  x: number[];
  rawSteer: (number | null)[];
  rawPedal: (number | null)[];
  appliedSteer: (number | null)[];
  appliedPedal: (number | null)[];
  noviceSteer: (number | null)[];
  novicePedal: (number | null)[];
  /** Raw samples and decisions drawn. */
  rawPoints: number;
  decisionPoints: number;
  /** Whether raw device input was recorded (a simulated expert records none). */
  hasRaw: boolean;
}

/** Pedals as one signed number, as the action has it: throttle positive, brake negative. */
export function pedalOf(sample: { throttle: number; brake: number }): number {
  return sample.throttle - sample.brake;
}

export function inspectorTraces(detail: TakeoverDetail): InspectorTraces {
  type Row = {
    x: number;
    raw?: [number, number];
    applied?: [number, number];
    novice?: [number, number];
  };
  const rows: Row[] = [
    ...detail.samples.map((s): Row => ({ x: s.ms / 1000, raw: [s.steer, pedalOf(s)] })),
    ...detail.steps.map((s): Row => ({
      x: s.ms / 1000,
      applied: [s.applied[0] ?? Number.NaN, s.applied[1] ?? Number.NaN],
      novice: [s.novice[0] ?? Number.NaN, s.novice[1] ?? Number.NaN],
    })),
  ];
  rows.sort((a, b) => a.x - b.x);
  const pick = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);
  return {
    x: rows.map((r) => r.x),
    rawSteer: rows.map((r) => pick(r.raw?.[0])),
    rawPedal: rows.map((r) => pick(r.raw?.[1])),
    appliedSteer: rows.map((r) => pick(r.applied?.[0])),
    appliedPedal: rows.map((r) => pick(r.applied?.[1])),
    noviceSteer: rows.map((r) => pick(r.novice?.[0])),
    novicePedal: rows.map((r) => pick(r.novice?.[1])),
    rawPoints: detail.samples.length,
    decisionPoints: detail.steps.length,
    hasRaw: detail.samples.length > 0,
  };
}
