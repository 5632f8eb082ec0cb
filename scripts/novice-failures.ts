// Why a driving novice's evaluation episodes fail (issue #4's diagnosis). Drives a session's saved
// novice deterministically on the evaluation seeds and sorts the failures:
//   stuck     — at a standstill (< 0.5 m/s) for 100+ decisions after a crash, until the horizon;
//               reports the nearest obstacle and what the expert would do there against what the
//               novice does;
//   off road  — left the road (sidewalk, off every lane) or the route, with the block it was in.
// With --handover N the scripted expert takes the wheel once the novice has stood still for N
// decisions after a crash: the episodes it then finishes are the ones only the escape was missing.
// Usage:
//   node scripts/novice-failures.ts --db RUN.db [--session 1] [--model ID] [--seeds 1000-1049] [--handover 50]
// One JSON line per failed episode, then a summary line.
import { parseArgs } from 'node:util';
import { parseSeeds } from '../main/cli/commands/eval.ts';
import { selectBackend } from '../main/learn/backend.ts';
import { decodeModel, loadWeightsInto } from '../main/learn/checkpoint.ts';
import { modelPolicy } from '../main/learn/evaluate.ts';
import { DrivingExpert } from '../main/experts/driving-expert.ts';
import { createPolicyModel, latestCheckpoint, networkShapes } from '../main/session/checkpoints.ts';
import { createEnvSetup } from '../main/session/environments.ts';
import { DrivingEnv } from '../main/sim/driving/driving-env.ts';
import { openDatabase } from '../main/store/database.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    session: { type: 'string', default: '1' },
    model: { type: 'string' },
    seeds: { type: 'string', default: '1000-1049' },
    handover: { type: 'string' },
  },
});
if (!values.db) throw new Error('--db RUN.db is required');
const seeds = parseSeeds(values.seeds);
const handoverAfter = values.handover === undefined ? Infinity : Number(values.handover);
const STANDSTILL = 0.5;
const STUCK_DECISIONS = 100;

await selectBackend('auto');
const db = openDatabase(values.db, { readonly: true });
const setup = createEnvSetup('driving', 0);
const sessionId = Number(values.session);
const row = values.model ? db.model(Number(values.model)) : undefined;
if (values.model && (!row || row.sessionId !== sessionId || row.kind !== 'actor'))
  throw new Error(`model ${values.model} is not an actor of session ${sessionId}`);
const latest = row ? null : latestCheckpoint(db, sessionId, networkShapes(setup));
const weights = row ? decodeModel(row.data, `model ${row.id}`) : latest!.weights.actor;
const step = row ? row.step : latest!.step;
const actor = createPolicyModel(setup);
loadWeightsInto(actor, weights, `the novice of session ${sessionId}`);
const policy = modelPolicy(actor, setup.env.spec);

const round = (xs: ArrayLike<number>) => Array.from(xs, (x) => Math.round(x * 100) / 100);
const counts: Record<string, number> = {};
for (let seed = seeds.start; seed < seeds.start + seeds.count; seed++) {
  const env = new DrivingEnv();
  const expert = new DrivingExpert(env);
  let obs = env.reset(seed);
  let crashes = 0;
  let stillAfterCrash = 0;
  let handedOver = false;
  let handoverDecision = -1;
  let escapeDecisions = -1;
  let stuckAt: { nearest: string; metres: number; expert: number[]; novice: number[] } | null = null;
  for (;;) {
    const novice = policy(obs, 1);
    if (stillAfterCrash === 30 && !stuckAt)
      stuckAt = { ...nearestObstacle(env), expert: round(expert.act()), novice: round(novice) };
    if (!handedOver && stillAfterCrash >= handoverAfter) {
      handedOver = true;
      handoverDecision = env.episodeLength;
    }
    const result = env.step(handedOver ? expert.act() : novice);
    if (result.info.crashVehicle || result.info.crashObject) crashes++;
    stillAfterCrash = crashes > 0 && env.egoCar.speed < STANDSTILL ? stillAfterCrash + 1 : 0;
    // Escaped: the expert has the car moving at 10 km/h.
    if (handedOver && escapeDecisions < 0 && env.egoCar.speed > 10 / 3.6)
      escapeDecisions = env.episodeLength - handoverDecision;
    obs = result.obs;
    if (!result.terminated && !result.truncated) continue;
    const info = result.info;
    const outcome = info.arriveDest
      ? 'success'
      : info.maxStep
        ? stillAfterCrash >= STUCK_DECISIONS
          ? 'stuck'
          : 'too slow'
        : info.outOfRoute
          ? 'off route'
          : 'off road';
    const key = handedOver ? `${outcome} after handover` : outcome;
    counts[key] = (counts[key] ?? 0) + 1;
    if (outcome !== 'success' || handedOver)
      console.log(
        JSON.stringify({
          seed,
          outcome: key,
          region: info.region,
          decisions: info.episodeLength,
          crashes,
          routeCompletion: Math.round(info.routeCompletion * 100) / 100,
          ...(stuckAt ? { stuckAt } : {}),
          ...(handedOver ? { escapeDecisions } : {}),
        }),
      );
    break;
  }
}
console.log(
  JSON.stringify({
    db: values.db,
    session: sessionId,
    step,
    seeds: values.seeds,
    handoverAfter: Number.isFinite(handoverAfter) ? handoverAfter : null,
    counts,
  }),
);

/** The static object or car closest to the ego's centre. */
function nearestObstacle(env: DrivingEnv): { nearest: string; metres: number } {
  const ego = env.egoCar;
  let best = { nearest: 'none', metres: Infinity };
  for (const actor of env.actors()) {
    const metres = Math.hypot(actor.x - ego.x, actor.y - ego.y);
    const kind = actor.kind === 'vehicle' && actor.state === 1 ? 'parked car' : actor.kind;
    if (metres < best.metres) best = { nearest: kind, metres: Math.round(metres * 10) / 10 };
  }
  return best;
}
