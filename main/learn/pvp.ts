// PVP as the AIM paper's MetaDrive table runs it (aim-algorithm.md §5.1, §6): human-gated, with the
// fake human of the PVP papers stepping in where the expert finds the novice's action unlikely:
//
//   gate    takeover_t = 1[ π_E(a_n,t | s_t) < 1 − f ]     f = 0.9 (the free level), every step,
//           π_E the expert's Gaussian density (a density, not a probability: its peak here is
//           1/(2π·σ_steer·σ_throttle)), evaluated at the unclipped novice action
//   policy  L_BC = E_(s,a_h)∈D_h ‖a_h − π(s)‖²  with HG-DAgger's cadence (hg-dagger.ts)
//
// The paper's authors replaced PVP's own learner by BC "for fairness"; the original PVP-TD3 learner
// is the method `pvp-td3`. Expert-involved steps are all env steps.
import { HumanGate } from './hg-dagger.ts';
import type { GateStepInput } from './method.ts';

/** The free level of the paper's PVP run (train_pvp_metadrive_fakehuman_pvp.py); PVP's own scripts use 0.95. */
export const PVP_FREE_LEVEL = 0.9;

export class PvpGate extends HumanGate {
  readonly freeLevel: number;

  constructor(freeLevel = PVP_FREE_LEVEL) {
    super();
    if (!(freeLevel > 0 && freeLevel < 1))
      throw new RangeError(`the PVP free level must be in (0, 1), got ${freeLevel}`);
    this.freeLevel = freeLevel;
  }

  protected takesOver({ expertLogDensity }: GateStepInput): boolean {
    if (expertLogDensity === null || expertLogDensity === undefined)
      throw new RangeError("PVP's gate needs the expert's density of the novice's action");
    return Math.exp(expertLogDensity) < 1 - this.freeLevel;
  }
}
