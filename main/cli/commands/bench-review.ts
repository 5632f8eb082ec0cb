// `aim bench review`: the data side of reviewing a long session. A synthetic one-hour session (36,000
// decisions at 10 Hz of the real driving simulator, the scripted expert driving the takeovers, which
// fill about 20% of the time, with raw wheel input at 250 Hz during them and a 1 s pre-roll) is
// recorded through the real batched recorder into a temporary database; then, on a fresh read-only
// connection as the review window would open it:
//   open      open the database, answer review.open (session, episodes, takeovers, help requests,
//             evaluations), the first episode's scene, the first 10 s of frames and 30 s of the Q
//             plot's numbers (the first frame drawn)                              target ≤ 300 ms
//   seek      the recorded frame at an arbitrary step and the second after it (review.frames: what
//             replay draws at once), p50/p99 over many random seeks                 target ≤ 16 ms;
//             seekContext: then the Q plot's 30 s before it (review.series) and its 10 s chunk of
//             frames; seekWholeRows: ±5 s of whole step rows (how seeking read before)
//   inspect   one takeover's steps and raw input samples (the takeover inspector)
//   export    the whole session and its takeovers only as HDF5 (export dataset), and a backup
//   policy    a full-size actor checkpoint exported as a policy folder (export policy)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeFrame, encodeFrame } from '../../contract/frame.ts';
import type { ControlMode } from '../../contract/modes.ts';
import { sessionConfigSchema } from '../../contract/session-config.ts';
import { createDrivingExpert } from '../../experts/driving-expert.ts';
import { createDrivingEnv, OBS_DIM, TRAIN_SEEDS } from '../../sim/driving/index.ts';
import { Rng } from '../../sim/random.ts';
import { openDatabase } from '../../store/database.ts';
import { backupDatabase, exportDataset } from '../../store/export/index.ts';
import { APP_VERSION } from '../../store/export/env-args.ts';
import type { InputSampleRecord } from '../../store/records.ts';
import { parseFlags, type CommandSpec } from '../args.ts';
import { measurePolicyExport } from './bench-policy-export.ts';
import { unpackFrames } from '../../contract/review.ts';
import { ReviewService } from '../../session/review.ts';

export const benchReviewCommand = {
  name: 'bench review',
  summary:
    'review data path on a synthetic one-hour session: open + first frame, seek, dataset and policy export, DB size',
  usage: 'aim bench review [--steps N] [--seeks N] [--keep DIR] [--json]',
  flags: {
    steps: {
      type: 'integer',
      min: 100,
      max: 10_000_000,
      default: 36_000,
      description: 'Decisions in the synthetic session (36000 = one hour at 10 Hz).',
    },
    seeks: { type: 'integer', min: 10, max: 1_000_000, default: 2000, description: 'Random seeks to time.' },
    keep: {
      type: 'string',
      placeholder: 'DIR',
      description:
        'Write the database and exports to DIR and keep them (default: a temporary folder, removed).',
    },
    json: { type: 'boolean', description: 'Print one JSON object.' },
  },
  examples: ['aim bench review --json', 'aim bench review --steps 3600 --keep /tmp/review'],
} satisfies CommandSpec;

const DECISION_MS = 100;
const INPUT_HZ = 250;
const PRE_ROLL_MS = 1000;
const SEEK_HALF_WINDOW = 50;
const PLOT_WINDOW = 300;
const SEEK_HEAD = 10;
const WARMUP_STEPS = 200;

interface BuiltSession {
  sessionId: number;
  episodes: number;
  takeovers: number;
  expertSteps: number;
  inputSamples: number;
  seconds: number;
}

/** Records the synthetic session through the real recorder (batched, as a live session would). */
export function buildSyntheticSession(file: string, steps: number, seed = 1): BuiltSession {
  const started = performance.now();
  const db = openDatabase(file);
  const config = sessionConfigSchema.parse({
    env: 'driving',
    operator: 'bench',
    seed,
    steps,
    pace: 'realtime',
  });
  const sessionId = db.createSession({
    config,
    backend: 'cpu',
    appVersion: APP_VERSION,
    host: 'bench',
    pid: process.pid,
  });
  const recorder = db.recorder(sessionId);
  const env = createDrivingEnv();
  const expert = createDrivingExpert(env);
  const rng = new Rng(seed);
  const tally = { episodes: 0, takeovers: 0, expertSteps: 0, inputSamples: 0, successes: 0 };
  let episode = 0;
  let episodeStep = 0;
  let episodeStart = 0;
  let obs = startEpisode(0);
  let crash = false;
  let outOfRoad = false;
  // The open takeover: its first step and how many steps it lasts.
  let span: { start: number; until: number; trigger: 'warmup' | 'robot' } | null = {
    start: 0,
    until: WARMUP_STEPS,
    trigger: 'warmup',
  };

  function startEpisode(index: number): Float32Array {
    const episodeSeed = TRAIN_SEEDS.start + ((seed + index) % TRAIN_SEEDS.count);
    const first = env.reset(episodeSeed);
    expert.reset();
    recorder.scene({ episode: index, seed: episodeSeed, scene: env.scene() });
    return first;
  }

  function endSpan(step: number, handback: 'agreement' | 'episode-end' | 'session-end'): void {
    if (span === null) return;
    const q = span.trigger === 'robot' ? 1.2 : null;
    recorder.takeover({
      episode,
      startStep: span.start,
      endStep: step,
      trigger: span.trigger,
      handback,
      requestStep: span.trigger === 'robot' ? span.start : null,
      reactionMs: span.trigger === 'robot' ? 250 + rng.next() * 500 : null,
      qAtRequest: q,
      thresholdAtRequest: q === null ? null : 1,
      region: 'S',
    });
    if (span.trigger !== 'warmup') tally.takeovers++;
    span = null;
  }

  for (let step = 0; step < steps; step++) {
    const tMs = step * DECISION_MS;
    // About 20% of the time in takeovers of 4–12 s (warm-up included; episode ends cut some short).
    if (span === null && rng.next() < 1 / 260) {
      span = { start: step, until: step + 40 + Math.floor(rng.next() * 80), trigger: 'robot' };
      recordInput(tMs - PRE_ROLL_MS, tMs, 0);
    }
    const expertAction = expert.sample(rng);
    const careful = expert.act();
    const novice = [clip(careful[0] + rng.normal() * 0.1), clip(careful[1] + rng.normal() * 0.1)];
    const mode: ControlMode = span === null ? 'robot' : span.trigger === 'warmup' ? 'warmup' : 'human';
    const applied = mode === 'robot' ? novice : [expertAction[0], expertAction[1]];
    const q = step < WARMUP_STEPS ? null : 0.5 + 0.4 * Math.sin(step / 300) + rng.next() * 0.2;
    const threshold = step < WARMUP_STEPS ? null : 1;
    const helpRequested = span !== null && span.trigger === 'robot' && span.start === step;
    if (mode !== 'robot') {
      tally.expertSteps++;
      recordInput(tMs, tMs + DECISION_MS, applied[0]);
    }
    const result = env.step(applied);
    const ego = env.ego();
    const human = mode === 'robot' ? null : applied;
    crash ||= result.info.crashVehicle || result.info.crashObject;
    outOfRoad ||= result.info.outOfRoad;
    const done = result.terminated || result.truncated;
    // The fields a frame and a step record share.
    const common = {
      step,
      episode,
      episodeStep,
      mode,
      helpRequested,
      reward: result.reward,
      cost: result.cost,
      egoX: ego.x,
      egoY: ego.y,
      egoHeading: ego.heading,
      egoSpeed: ego.speed,
    };
    const pair = (a: readonly number[] | null): [number, number] =>
      a ? [a[0], a[1]] : [Number.NaN, Number.NaN];
    const frame = encodeFrame({
      ...common,
      seq: step,
      simTime: episodeStep / 10,
      q: q ?? Number.NaN,
      threshold: threshold ?? Number.NaN,
      novice: pair(novice),
      applied: pair(applied),
      human: pair(human),
      takeovers: tally.takeovers,
      expertSteps: tally.expertSteps,
      routeCompletion: result.info.routeCompletion,
      learnerLag: 0,
      actors: env.actors(),
    });
    recorder.step({ ...common, wallMs: tMs, q, threshold, novice, applied, human, done, obs, frame });
    obs = result.obs;
    episodeStep++;
    if (span !== null && (step + 1 >= span.until || done || step + 1 === steps))
      endSpan(step, done ? 'episode-end' : step + 1 === steps ? 'session-end' : 'agreement');
    if (done) {
      if (result.info.arriveDest) tally.successes++;
      recorder.episode({
        episode,
        seed: TRAIN_SEEDS.start + ((seed + episode) % TRAIN_SEEDS.count),
        startStep: episodeStart,
        steps: step + 1 - episodeStart,
        success: result.info.arriveDest,
        return: result.info.episodeReward,
        cost: result.info.episodeCost,
        routeCompletion: result.info.routeCompletion,
        takeovers: 0,
        crash,
        outOfRoad,
      });
      tally.episodes++;
      episode++;
      episodeStep = 0;
      episodeStart = step + 1;
      crash = false;
      outOfRoad = false;
      obs = startEpisode(episode);
    }
    if (step % 100 === 99) recorder.progress(progressOf(step + 1));
  }
  recorder.close();
  db.finishSession(sessionId, { status: 'finished', message: null, ...progressOf(steps) });
  db.close();
  return { sessionId, ...tally, seconds: (performance.now() - started) / 1000 };

  function progressOf(done: number) {
    return {
      steps: done,
      episodes: tally.episodes,
      expertSteps: tally.expertSteps,
      takeovers: tally.takeovers,
      successRate: tally.episodes > 0 ? tally.successes / tally.episodes : null,
    };
  }

  /** A wheel sampled at 250 Hz over [fromMs, toMs): 6 axes, 12 buttons. */
  function recordInput(fromMs: number, toMs: number, steer: number): void {
    const samples: InputSampleRecord[] = [];
    for (let t = fromMs; t < toMs; t += 1000 / INPUT_HZ) {
      const wobble = steer + rng.normal() * 0.01;
      samples.push({
        t,
        device: 'Logitech G920 Driving Force Racing Wheel',
        axes: [wobble, 0.2, -1, 0, 0, -1],
        buttons: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        steer: wobble,
        throttle: 0.4,
        brake: 0,
      });
    }
    recorder.inputSamples(samples);
    tally.inputSamples += samples.length;
  }
}

function clip(x: number): number {
  return Math.max(-1, Math.min(1, x));
}

function timed<T>(body: () => T): [T, number] {
  const t0 = performance.now();
  const value = body();
  return [value, performance.now() - t0];
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function distribution(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: round(quantile(sorted, 0.5)),
    p99Ms: round(quantile(sorted, 0.99)),
    maxMs: round(sorted[sorted.length - 1]),
  };
}

function round(x: number, digits = 3): number {
  return Number(x.toFixed(digits));
}

function fileBytes(file: string): number {
  return [file, `${file}-wal`].reduce(
    (n, f) => n + (fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0),
    0,
  );
}

export async function runBenchReview(argv: string[]): Promise<number> {
  const flags = parseFlags(benchReviewCommand, argv);
  const dir = flags.keep
    ? path.resolve(flags.keep)
    : fs.mkdtempSync(path.join(os.tmpdir(), 'aim-bench-review-'));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'review-bench.db');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  try {
    const built = buildSyntheticSession(file, flags.steps);
    const id = built.sessionId;
    const dbBytes = fileBytes(file);

    // Open and first frame, as a review window would: a fresh read-only connection.
    const [db, openDatabaseMs] = timed(() => openDatabase(file, { readonly: true }));
    const review = new ReviewService(db);
    const [opened, reviewOpenMs] = timed(() => review.open(id));
    const takeovers = opened.takeovers;
    const [, sceneMs] = timed(() => review.scene(id, 0));
    const [, firstWindowMs] = timed(() => {
      review.series(id, 0, PLOT_WINDOW);
      return decodeFrame(unpackFrames(review.frames(id, 0, 2 * SEEK_HALF_WINDOW))[0]);
    });
    const openTotal = openDatabaseMs + reviewOpenMs + sceneMs + firstWindowMs;

    // Seek as the replay view does it: first the frame at the point and the second after it
    // (review.frames, drawn at once), then the context — the Q plot's last 30 s of numbers
    // (review.series) and the 10 s chunk of frames around it. The same points are also read the
    // way seeking read before (±5 s of whole step rows, observations included), for comparison.
    const rng = new Rng(7);
    const points = Array.from({ length: flags.seeks }, () => Math.floor(rng.next() * flags.steps));
    const seeks: number[] = [];
    const fills: number[] = [];
    const wholeRowSeeks: number[] = [];
    for (const at of points) {
      const [, ms] = timed(() => decodeFrame(unpackFrames(review.frames(id, at, at + SEEK_HEAD - 1))[0]));
      seeks.push(ms);
      const [, fillMs] = timed(() => {
        review.series(id, Math.max(0, at - PLOT_WINDOW), at);
        const chunk = Math.floor(at / 100) * 100;
        return unpackFrames(review.frames(id, chunk, chunk + 99));
      });
      fills.push(fillMs);
      const [, wholeMs] = timed(() => {
        const rows = db.steps(id, at - SEEK_HALF_WINDOW, at + SEEK_HALF_WINDOW);
        return decodeFrame(rows[Math.min(at, SEEK_HALF_WINDOW)].frame);
      });
      wholeRowSeeks.push(wholeMs);
    }
    const inspections = takeovers.slice(0, 200).map((t) => {
      const [, ms] = timed(() => {
        const rows = db.steps(id, t.startStep, t.endStep);
        return db.inputSamples(id, rows[0].wallMs - PRE_ROLL_MS, rows[rows.length - 1].wallMs + DECISION_MS);
      });
      return ms;
    });
    const [spans, episodeSpansMs] = timed(() => db.episodeSpans(id));
    const [, allScenesMs] = timed(() => db.scenes(id));

    let peakRss = process.memoryUsage().rss;
    const exportOne = async (onlyTakeovers: boolean) => {
      const t0 = performance.now();
      const result = await exportDataset(db, {
        sessionId: id,
        out: path.join(dir, onlyTakeovers ? 'takeovers.hdf5' : 'session.hdf5'),
        onlyTakeovers,
        force: true,
        onProgress: () => {
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
        },
      });
      return {
        seconds: round((performance.now() - t0) / 1000),
        bytes: result.bytes,
        demos: result.demos,
        samples: result.samples,
      };
    };
    const rssBeforeExport = process.memoryUsage().rss;
    const exportFull = await exportOne(false);
    const exportTakeovers = await exportOne(true);
    db.close();
    const backup = await backupDatabase(file, path.join(dir, 'backup.db'), { force: true });
    const exportPolicy = await measurePolicyExport(file, id, dir);

    const report = {
      bench: 'review',
      node: process.versions.node,
      // Percentiles on a shared machine say as much about its load as about the code: report both.
      cpus: os.cpus().length,
      loadAverage1m: round(os.loadavg()[0], 2),
      steps: flags.steps,
      obsDim: OBS_DIM,
      episodes: spans.length,
      takeovers: built.takeovers,
      expertShare: round(built.expertSteps / flags.steps),
      inputSamples: built.inputSamples,
      buildSeconds: round(built.seconds),
      dbBytes,
      open: {
        targetMs: 300,
        totalMs: round(openTotal),
        openDatabaseMs: round(openDatabaseMs),
        reviewOpenMs: round(reviewOpenMs),
        sceneMs: round(sceneMs),
        firstWindowMs: round(firstWindowMs),
        firstWindowFrames: 2 * SEEK_HALF_WINDOW + 1,
        helpRequests: opened.helpRequests.length,
      },
      seek: { targetMs: 16, frames: SEEK_HEAD, ...distribution(seeks) },
      seekContext: { plotSteps: PLOT_WINDOW + 1, chunkFrames: 100, ...distribution(fills) },
      seekWholeRows: { windowSteps: 2 * SEEK_HALF_WINDOW + 1, ...distribution(wholeRowSeeks) },
      takeoverInspect: distribution(inspections),
      episodeSpansMs: round(episodeSpansMs),
      allScenesMs: round(allScenesMs),
      exportDataset: {
        ...exportFull,
        rssBeforeMB: round(rssBeforeExport / 1e6, 1),
        peakRssMB: round(peakRss / 1e6, 1),
      },
      exportTakeovers,
      backup: { seconds: round(backup.seconds), bytes: backup.bytes },
      exportPolicy,
    };
    if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else {
      const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
      process.stdout.write(
        [
          `synthetic session: ${report.steps} steps, ${report.episodes} episodes, ${report.takeovers} takeovers, ${(report.expertShare * 100).toFixed(1)}% expert, ${report.inputSamples} input samples, built in ${report.buildSeconds} s`,
          `database: ${mb(dbBytes)}`,
          `open + first frame: ${report.open.totalMs.toFixed(1)} ms (target ≤ 300; first scene ${report.open.sceneMs.toFixed(1)} ms, session, episodes, takeovers and help requests ${report.open.reviewOpenMs.toFixed(1)} ms, first 10 s of frames ${report.open.firstWindowMs.toFixed(1)} ms)`,
          `seek (the frame at the point and 1 s after it): p50 ${report.seek.p50Ms} ms, p99 ${report.seek.p99Ms} ms, max ${report.seek.maxMs} ms over ${report.seek.count} (target ≤ 16)`,
          `  then the context (30 s of Q plot, 10 s of frames): p50 ${report.seekContext.p50Ms} ms, p99 ${report.seekContext.p99Ms} ms`,
          `  ±5 s of whole step rows, as seeking read before: p50 ${report.seekWholeRows.p50Ms} ms, p99 ${report.seekWholeRows.p99Ms} ms`,
          `takeover inspector data: p50 ${report.takeoverInspect.p50Ms} ms, p99 ${report.takeoverInspect.p99Ms} ms`,
          `export dataset: ${exportFull.seconds} s, ${mb(exportFull.bytes)}, ${exportFull.demos} demos; takeovers only ${exportTakeovers.seconds} s, ${mb(exportTakeovers.bytes)}; peak RSS ${report.exportDataset.peakRssMB} MB`,
          `backup: ${report.backup.seconds} s, ${mb(backup.bytes)}`,
          `export policy: ${exportPolicy.seconds} s, ${mb(exportPolicy.bytes)} in ${exportPolicy.files} files (${exportPolicy.parameters} parameters)`,
          ...(flags.keep ? [`kept in ${dir}`] : []),
        ].join('\n') + '\n',
      );
    }
    return 0;
  } finally {
    if (!flags.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}
