// Policy export time for `aim bench review`: a full-size actor (the reference 259→256→256→2 MLP) is
// saved as a checkpoint of the benchmark's session and exported as a policy folder (TF.js model,
// safetensors + arch.json, ONNX), as the review window's export button would.
import path from 'node:path';
import { CHECKPOINT_FORMAT, encodeModel, packModel } from '../../learn/checkpoint.ts';
import { AIM_REFERENCE_DEFAULTS } from '../../learn/aim.ts';
import { createActor } from '../../learn/networks.ts';
import { OBS_DIM } from '../../sim/driving/index.ts';
import { exportPolicy } from '../../session/policy-export.ts';
import { openDatabase } from '../../store/database.ts';

export async function measurePolicyExport(
  dbFile: string,
  sessionId: number,
  dir: string,
): Promise<{ seconds: number; bytes: number; files: number; parameters: number }> {
  const actor = createActor(OBS_DIM, 2, AIM_REFERENCE_DEFAULTS.actorHidden, 1);
  const packed = await packModel(actor);
  const parameters = actor.countParams();
  actor.dispose();
  const db = openDatabase(dbFile);
  try {
    db.saveModel(sessionId, {
      step: 0,
      expertSteps: 0,
      kind: 'actor',
      format: CHECKPOINT_FORMAT,
      data: encodeModel(packed),
      metrics: { reason: 'bench' },
    });
    const result = await exportPolicy(db, { sessionId, out: path.join(dir, 'policy'), force: true });
    return {
      seconds: Number(result.seconds.toFixed(3)),
      bytes: result.bytes,
      files: Object.keys(result.files).length,
      parameters,
    };
  } finally {
    db.close();
  }
}
