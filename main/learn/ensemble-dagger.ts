// Ensemble-DAgger (Menda et al. 2019) as the AIM paper's camera-ready table runs it
// (aim-algorithm.md §6: the same code as Thrifty-DAgger, experiment "ENS-1E-3"):
//
//   policy   the five bootstrapped BC actors of thrifty-dagger.ts
//   gate     robot → human  if u(s) = mean_dims Var_k[π_k(s)] > β, β = 0.8 · 9·10⁻⁴ = 7.2·10⁻⁴ fixed
//            human → robot  if mean_dims (a_n − a_e)² < ε (the mean training discrepancy)
//
// Only the novelty threshold differs from Thrifty-DAgger: fixed, where Thrifty's follows the data.
// (The original Ensemble-DAgger also checks a discrepancy when deciding to ask; the paper's does not.)
import { EnsembleGate } from './thrifty-dagger.ts';

export const ENSEMBLE_NOVELTY_THRESHOLD = 0.8 * 9e-4;

export function ensembleDaggerGate(
  warmupSteps: number,
  threshold = ENSEMBLE_NOVELTY_THRESHOLD,
): EnsembleGate {
  return new EnsembleGate(warmupSteps, { fixed: threshold });
}
