// A session's demonstrations as HDF5 in the robomimic layout (robomimic.github.io/docs/datasets/
// overview.html), with the per-step intervention flags, Q and threshold that robot-gated imitation
// learning analyses need:
//
//   /                       attrs: format, content ('episodes' | 'takeovers'), session_id, app_version, created_at
//   data/                   attrs: total (samples), env_args (JSON, env-args.ts), fields (JSON: what each dataset holds)
//   data/demo_<i>/          attrs: num_samples, num_interventions, episode, first_step, last_step, …
//     obs/flat              float32 [T, obsDim]   the observation the decision was made on
//     next_obs/flat         float32 [T, obsDim]   the following observation (see TERMINAL below)
//     actions               float64 [T, actDim]   the applied action (the expert's or person's while they drove)
//     rewards, costs        float64 [T]
//     dones                 uint8   [T]           the episode ended at this step (terminated or truncated)
//     interventions         uint8   [T]           1 where the expert or a person drove
//     novice_actions        float64 [T, actDim]   what the novice proposed, every step
//     human_actions         float64 [T, actDim]   the expert's or person's action; NaN where none was given
//     q_values, thresholds  float64 [T]           proxy Q of the novice action and the gate's threshold; NaN where absent
//     help_requested        uint8   [T]           the gate asked for help at this step
//     mode                  uint8   [T]           who drove, as an index into the attribute `names`
//     session_step          int32   [T]           the step's number in the session (ties rows back to the app)
//   mask/<key>              filter keys (names of demos): success/failure for episodes, the trigger for takeovers
//
// --only-takeovers makes each takeover span (the steps the expert or person drove, contiguous) its
// own demo. robomimic's loaders read a demo as one contiguous trajectory (frame stacks, sequence
// windows, next_obs), so spans stay whole; episodes with the robot's steps cut out would not be.
// IWR/HG-DAgger users who want the robot's steps too export episodes and weight by `interventions`.
//
// Rows are read from SQLite in chunks of a few hundred KB and appended to growing datasets, so a
// one-hour session never sits in memory at once.
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { CONTROL_MODES, modeCode } from '../../contract/modes.ts';
import type { DatasetExportSummary } from '../../contract/export.ts';
import type { AimDatabase } from '../database.ts';
import { DatabaseError } from '../errors.ts';
import type { EpisodeRecord, SessionRow, StepRow } from '../records.ts';
import { writeAtomically } from './atomic-file.ts';
import { envArgsOf, APP_VERSION, type EnvArgs } from './env-args.ts';
import { ExportError } from './errors.ts';
import {
  AppendableDataset,
  loadHdf5,
  newColumnArray,
  setAttrs,
  type AttrValue,
  type ColumnArray,
  type ColumnType,
} from './hdf5.ts';
import type { File as H5File, Group } from 'h5wasm/node';

/** The one observation key: the environment's flat vector (env_args.observation.layout names its parts). */
export const OBS_KEY = 'flat';
export const DEFAULT_CHUNK_STEPS = 1024;

export interface DatasetExportOptions {
  sessionId: number;
  out: string;
  /** One demo per takeover span instead of one per episode. */
  onlyTakeovers?: boolean;
  /** Replace an existing file. */
  force?: boolean;
  /** Steps read from SQLite at a time (default 1024). */
  chunkSteps?: number;
  /** Checked between chunks; aborting removes the partial file. */
  signal?: AbortSignal;
  /** After every chunk. An exception thrown here aborts the export like a failed write. */
  onProgress?(progress: { steps: number; totalSteps: number; demos: number }): void;
}

/** What the export wrote; the contract's type, as the UI's export button gets it. */
export type DatasetExportResult = DatasetExportSummary;

/** What goes into one demo: a contiguous range of steps of one episode. */
interface DemoPlan {
  episode: number;
  firstStep: number;
  lastStep: number;
  attrs: Record<string, AttrValue>;
  /** Filter keys (mask/<key>) the demo belongs to. */
  masks: string[];
}

/** How a demo's last next_obs was obtained: the recorded next step, or its own observation repeated. */
const TERMINAL =
  "next_obs of a demo's last step is the following recorded step when it belongs to the same episode (takeover spans), else that step's own observation repeated (the state after an episode's last action is not recorded)";

const FIELDS: Record<string, string> = {
  [`obs/${OBS_KEY}`]: 'float32 [T, obsDim]: the observation the decision was made on',
  [`next_obs/${OBS_KEY}`]: `float32 [T, obsDim]: the following observation; ${TERMINAL}`,
  actions:
    "float64 [T, actDim]: the applied action (the expert's or person's where interventions is 1, else the novice's)",
  rewards: 'float64 [T]: environment reward',
  costs: 'float64 [T]: safety cost (crashes, leaving the road)',
  dones: 'uint8 [T]: 1 where the episode ended (terminated or truncated)',
  interventions: 'uint8 [T]: 1 where the expert or a person drove',
  novice_actions: "float64 [T, actDim]: the novice policy's proposed action",
  human_actions: "float64 [T, actDim]: the expert's or person's action; NaN where none was given",
  q_values: 'float64 [T]: proxy Q of the novice action; NaN before the proxy Q existed',
  thresholds: "float64 [T]: the gate's help threshold; NaN during warm-up",
  help_requested: 'uint8 [T]: 1 where the gate asked for help',
  mode: 'uint8 [T]: who drove, an index into the attribute names',
  session_step: 'int32 [T]: the step number in the recorded session',
};

export async function exportDataset(
  db: AimDatabase,
  options: DatasetExportOptions,
): Promise<DatasetExportResult> {
  const session = db.getSession(options.sessionId);
  if (session === undefined)
    throw new DatabaseError('session', `Session ${options.sessionId} does not exist in ${db.path}`);
  // Checked before anything is written: a grid session has no dataset layout (it throws here).
  const envArgs = envArgsOf(session, OBS_KEY);
  const content = options.onlyTakeovers === true ? 'takeovers' : 'episodes';
  const plans = content === 'takeovers' ? takeoverDemos(db, session.id) : episodeDemos(db, session.id);
  if (plans.length === 0) {
    throw new ExportError(
      'empty',
      content === 'takeovers'
        ? `Session ${session.id} has no takeovers to export`
        : `Session ${session.id} has no recorded steps to export`,
    );
  }
  const hdf5 = await loadHdf5();
  const file = path.resolve(options.out);
  const written = await writeAtomically(file, { force: options.force, what: 'the dataset' }, (temporary) =>
    hdf5.throwingErrors(() =>
      writeFile(hdf5.create(temporary), db, session, content, plans, options, envArgs),
    ),
  );
  return {
    file,
    sessionId: session.id,
    content,
    ...written,
    bytes: fs.statSync(file).size,
    sessionRunning: session.status === 'running' || session.status === 'paused',
  };
}

function episodeDemos(db: AimDatabase, sessionId: number): DemoPlan[] {
  const finished = new Map<number, EpisodeRecord>(db.episodes(sessionId).map((e) => [e.episode, e]));
  return db.episodeSpans(sessionId).map((span) => {
    const e = finished.get(span.episode);
    return {
      episode: span.episode,
      firstStep: span.firstStep,
      lastStep: span.lastStep,
      attrs: {
        episode: span.episode,
        finished: e !== undefined,
        seed: e?.seed ?? null,
        success: e?.success ?? null,
        return: e?.return ?? null,
        cost: e?.cost ?? null,
        route_completion: e?.routeCompletion ?? null,
        crash: e?.crash ?? null,
        out_of_road: e?.outOfRoad ?? null,
        takeovers: e?.takeovers ?? null,
      },
      masks: e === undefined ? [] : [e.success ? 'success' : 'failure'],
    };
  });
}

function takeoverDemos(db: AimDatabase, sessionId: number): DemoPlan[] {
  return db.takeovers(sessionId).map((t) => ({
    episode: t.episode,
    firstStep: t.startStep,
    lastStep: t.endStep,
    attrs: {
      episode: t.episode,
      takeover_id: t.id,
      trigger: t.trigger,
      handback: t.handback,
      request_step: t.requestStep,
      reaction_ms: t.reactionMs,
      q_at_request: t.qAtRequest,
      threshold_at_request: t.thresholdAtRequest,
      region: t.region,
    },
    masks: [t.trigger],
  }));
}

interface Dims {
  obs: number;
  action: number;
}

/** One per-step dataset: where it goes, its type, its width, and how a row fills it. */
interface ColumnSpec {
  name: string;
  type: ColumnType;
  width: (dims: Dims) => number;
  /** Writes the row's values at out[at …]; `next` is the following step (or the row itself at a demo's end). */
  put(row: StepRow, next: StepRow, out: ColumnArray, at: number): void;
}

const obsWidth = (d: Dims) => d.obs;
const actionWidth = (d: Dims) => d.action;
const scalar = () => 1;

function putAction(action: readonly number[] | null, out: ColumnArray, at: number, width: number): void {
  for (let i = 0; i < width; i++) out[at + i] = action === null ? Number.NaN : action[i];
}

export function isIntervention(row: StepRow): boolean {
  return row.mode !== 'robot' && row.human !== null;
}

const COLUMNS: readonly ColumnSpec[] = [
  { name: `obs/${OBS_KEY}`, type: 'float32', width: obsWidth, put: (r, _, out, at) => out.set(r.obs, at) },
  {
    name: `next_obs/${OBS_KEY}`,
    type: 'float32',
    width: obsWidth,
    put: (_, n, out, at) => out.set(n.obs, at),
  },
  {
    name: 'actions',
    type: 'float64',
    width: actionWidth,
    put: (r, _, o, at) => putAction(r.applied, o, at, r.applied.length),
  },
  { name: 'rewards', type: 'float64', width: scalar, put: (r, _, o, at) => void (o[at] = r.reward) },
  { name: 'costs', type: 'float64', width: scalar, put: (r, _, o, at) => void (o[at] = r.cost) },
  { name: 'dones', type: 'uint8', width: scalar, put: (r, _, o, at) => void (o[at] = r.done ? 1 : 0) },
  {
    name: 'interventions',
    type: 'uint8',
    width: scalar,
    put: (r, _, o, at) => void (o[at] = isIntervention(r) ? 1 : 0),
  },
  {
    name: 'novice_actions',
    type: 'float64',
    width: actionWidth,
    put: (r, _, o, at) => putAction(r.novice, o, at, r.novice.length),
  },
  {
    name: 'human_actions',
    type: 'float64',
    width: actionWidth,
    put: (r, _, o, at) => putAction(r.human, o, at, r.applied.length),
  },
  {
    name: 'q_values',
    type: 'float64',
    width: scalar,
    put: (r, _, o, at) => void (o[at] = r.q ?? Number.NaN),
  },
  {
    name: 'thresholds',
    type: 'float64',
    width: scalar,
    put: (r, _, o, at) => void (o[at] = r.threshold ?? Number.NaN),
  },
  {
    name: 'help_requested',
    type: 'uint8',
    width: scalar,
    put: (r, _, o, at) => void (o[at] = r.helpRequested ? 1 : 0),
  },
  { name: 'mode', type: 'uint8', width: scalar, put: (r, _, o, at) => void (o[at] = modeCode(r.mode)) },
  { name: 'session_step', type: 'int32', width: scalar, put: (r, _, o, at) => void (o[at] = r.step) },
];

/** Row buffers for one chunk, shared by every demo (the dimensions are the session's). */
class ChunkBuffers {
  readonly dims: Dims;
  readonly arrays: ColumnArray[];

  constructor(dims: Dims, rows: number) {
    this.dims = dims;
    this.arrays = COLUMNS.map((c) => newColumnArray(c.type, rows * c.width(dims)));
  }

  /** Fills row i of every column; the dimensions of every row must match the session's first. */
  fill(i: number, row: StepRow, next: StepRow): void {
    const { obs, action } = this.dims;
    if (row.obs.length !== obs || row.applied.length !== action || row.novice.length !== action) {
      throw new DatabaseError(
        'invalid-row',
        `Step ${row.step} has ${row.obs.length} observation values and ${row.applied.length}-component actions where the session's first step has ${obs} and ${action}`,
      );
    }
    COLUMNS.forEach((column, c) => column.put(row, next, this.arrays[c], i * column.width(this.dims)));
  }
}

type Written = Pick<DatasetExportResult, 'demos' | 'samples' | 'interventions' | 'obsDim' | 'actionDim'>;

async function writeFile(
  file: H5File,
  db: AimDatabase,
  session: SessionRow,
  content: 'episodes' | 'takeovers',
  plans: readonly DemoPlan[],
  options: DatasetExportOptions,
  envArgs: EnvArgs,
): Promise<Written> {
  const chunkSteps = options.chunkSteps ?? DEFAULT_CHUNK_STEPS;
  const totalSteps = plans.reduce((sum, p) => sum + (p.lastStep - p.firstStep + 1), 0);
  let closed = false;
  try {
    setAttrs(file, {
      format: 'robomimic',
      content,
      session_id: session.id,
      app_version: APP_VERSION,
      created_at: new Date().toISOString(),
    });
    const data = file.create_group('data');
    const masks = new Map<string, string[]>();
    let buffers: ChunkBuffers | undefined;
    let samples = 0;
    let interventions = 0;
    let demos = 0;
    let stepsRead = 0;
    for (const plan of plans) {
      let demo: DemoWriter | undefined;
      for (let from = plan.firstStep; from <= plan.lastStep; from += chunkSteps) {
        options.signal?.throwIfAborted();
        const to = Math.min(from + chunkSteps - 1, plan.lastStep);
        // One step past the chunk: the next observation of its last row.
        const rows = db.steps(session.id, from, to + 1);
        const body = rows.filter((r) => r.step <= to && r.episode === plan.episode);
        const after = rows.find((r) => r.step > to);
        const lookahead = after !== undefined && after.episode === plan.episode ? after : null;
        if (body.length > 0) {
          buffers ??= new ChunkBuffers(
            { obs: body[0].obs.length, action: body[0].applied.length },
            chunkSteps,
          );
          demo ??= new DemoWriter(data.create_group(`demo_${demos++}`), buffers.dims, plan);
          for (let i = 0; i < body.length; i++) buffers.fill(i, body[i], body[i + 1] ?? lookahead ?? body[i]);
          demo.append(buffers, body.length);
          if (to === plan.lastStep) demo.terminalRecorded = lookahead !== null;
          const expertDriven = body.reduce((n, r) => n + (isIntervention(r) ? 1 : 0), 0);
          samples += body.length;
          interventions += expertDriven;
          demo.interventions += expertDriven;
        }
        stepsRead += to - from + 1;
        options.onProgress?.({ steps: stepsRead, totalSteps, demos });
        // Lets a host redraw progress and take a Ctrl-C between chunks.
        await yieldToEventLoop();
      }
      if (demo === undefined) continue;
      demo.finish();
      for (const key of plan.masks) masks.set(key, [...(masks.get(key) ?? []), demo.name]);
    }
    if (buffers === undefined)
      throw new ExportError('empty', `Session ${session.id} has no recorded steps to export`);
    setAttrs(data, {
      total: samples,
      env_args: JSON.stringify(envArgs),
      fields: JSON.stringify(FIELDS),
    });
    if (masks.size > 0) {
      const mask = file.create_group('mask');
      for (const [key, names] of masks) mask.create_dataset({ name: key, data: names });
    }
    closeFile(file);
    closed = true;
    return { demos, samples, interventions, obsDim: buffers.dims.obs, actionDim: buffers.dims.action };
  } finally {
    if (!closed) {
      try {
        file.close();
      } catch {
        // the write already failed; that error is the one to report
      }
    }
  }
}

function closeFile(file: H5File): void {
  if (file.close() < 0) throw new Error('HDF5 could not close the file');
}

/** One demo's group and datasets, created at its first rows. */
class DemoWriter {
  readonly name: string;
  readonly #group: Group;
  readonly #plan: DemoPlan;
  readonly #datasets: AppendableDataset[];
  interventions = 0;
  terminalRecorded = false;

  constructor(group: Group, dims: Dims, plan: DemoPlan) {
    this.name = group.path.split('/').pop() as string;
    this.#group = group;
    this.#plan = plan;
    group.create_group('obs');
    group.create_group('next_obs');
    const expected = plan.lastStep - plan.firstStep + 1;
    this.#datasets = COLUMNS.map(
      (c) => new AppendableDataset(group, c.name, c.type, c.width(dims), expected),
    );
  }

  append(buffers: ChunkBuffers, rows: number): void {
    this.#datasets.forEach((dataset, c) => dataset.append(buffers.arrays[c], rows));
  }

  finish(): void {
    this.#datasets[COLUMNS.findIndex((c) => c.name === 'mode')].setAttrs({ names: CONTROL_MODES });
    setAttrs(this.#group, {
      num_samples: this.#datasets[0].rows,
      num_interventions: this.interventions,
      first_step: this.#plan.firstStep,
      last_step: this.#plan.lastStep,
      terminal_next_obs: this.terminalRecorded ? 'recorded' : 'repeated',
      ...this.#plan.attrs,
    });
  }
}
