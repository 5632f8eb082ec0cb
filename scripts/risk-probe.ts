// Diagnostic probe for thrifty-dagger-original: what its risk gate saw. For each risk-critic
// checkpoint of a recorded session, Q_risk(s, a_n) at the novice's proposals of the steps that
// followed it (up to the next checkpoint), against the initial ε_H 0.48 and ε_R 0.495, and how many
// of those steps the novice agreed with the expert (mean_dims (a_n − a_e)² < β_R, a_e as recorded).
// Usage: node scripts/risk-probe.ts SESSION.db [--session 1]
// One JSON line per checkpoint on stdout.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { AIM_REFERENCE_DEFAULTS } from '../main/learn/aim.ts';
import { selectBackend } from '../main/learn/backend.ts';
import { decodeModel, loadWeightsInto } from '../main/learn/checkpoint.ts';
import { predictAll } from '../main/learn/networks.ts';
import {
  INITIAL_RISK_TO_HUMAN,
  INITIAL_RISK_TO_ROBOT,
  riskCriticFor,
} from '../main/learn/thrifty-dagger-original.ts';
import { openDatabase } from '../main/store/database.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { session: { type: 'string', default: '1' } },
});
if (positionals.length !== 1) {
  console.error('usage: node scripts/risk-probe.ts SESSION.db [--session N]');
  process.exit(2);
}
await selectBackend('auto');
const db = openDatabase(positionals[0], { readonly: true });
const sessionId = Number(values.session);
const steps = db.steps(sessionId);
const obsDim = steps[0].obs.length;
const actionDim = steps[0].novice.length;
const critic = riskCriticFor({ ...AIM_REFERENCE_DEFAULTS, obsDim, actionDim, seed: 0 });
const checkpoints = db.models(sessionId).filter((m) => m.kind === 'risk-q');
checkpoints.forEach((info, k) => {
  const row = db.model(info.id);
  if (!row) return;
  loadWeightsInto(critic.risk, decodeModel(row.data, `risk critic ${info.id}`), 'the risk critic');
  const until = checkpoints[k + 1]?.step ?? Number.POSITIVE_INFINITY;
  const window = steps.filter((s) => s.step >= info.step && s.step < until);
  if (window.length === 0) return;
  const risk = tf.tidy(() => {
    const obs = tf.tensor2d(Float32Array.from(window.flatMap((s) => [...s.obs])), [window.length, obsDim]);
    const act = tf.tensor2d(Float32Array.from(window.flatMap((s) => [...s.novice])), [
      window.length,
      actionDim,
    ]);
    return Array.from(predictAll(critic.risk, tf.concat([obs, act], 1)).dataSync());
  });
  const betaR = (info.metrics as { epsilon?: number } | null)?.epsilon ?? Number.NaN;
  const agreeing = window.filter((s) => {
    if (!s.human) return false;
    const human = s.human;
    return s.novice.reduce((sum, a, d) => sum + (a - human[d]) ** 2, 0) / actionDim < betaR;
  }).length;
  const mean = risk.reduce((a, b) => a + b, 0) / risk.length;
  console.log(
    JSON.stringify({
      checkpointStep: info.step,
      steps: window.length,
      expertSteps: window.filter((s) => s.mode !== 'robot').length,
      riskMin: +Math.min(...risk).toFixed(4),
      riskMean: +mean.toFixed(4),
      riskMax: +Math.max(...risk).toFixed(4),
      aboveEpsR: risk.filter((q) => q > INITIAL_RISK_TO_ROBOT).length,
      belowEpsH: risk.filter((q) => q < INITIAL_RISK_TO_HUMAN).length,
      betaR: +betaR.toPrecision(3),
      agreeing,
    }),
  );
});
db.close();
