// Shared by the store's tests: temporary folders, file fingerprints, and sample records.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { sessionConfigSchema } from '../contract/session-config.ts';
import type { Scene } from '../contract/scene.ts';
import type { CalibrationRecord } from '../contract/devices.ts';
import type { NewSession, StepRecord } from './records.ts';

/** A fresh folder, removed when the test file finishes. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-store-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** What "left untouched" means for a file: same bytes, same modification time. */
export function fingerprint(file: string): { sha256: string; mtimeMs: number; size: number } {
  const stat = fs.statSync(file);
  const sha256 = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  return { sha256, mtimeMs: stat.mtimeMs, size: stat.size };
}

/**
 * Runs a Node module (its source in `script`) with `mountPoint` a tmpfs of `size` ('128k'), so a
 * disk really fills up. The mount lives in a mount namespace of its own (user namespaces: no root
 * needed where they are allowed). Returns the last line the module printed, as JSON, or why a small
 * tmpfs cannot be mounted here.
 */
export function runOnTinyDisk(
  mountPoint: string,
  size: string,
  script: string,
): { skip: string } | { outcome: Record<string, unknown>; stderr: string } {
  const mount = `mount -t tmpfs -o size=${size} tmpfs '${mountPoint}'`;
  const probe = spawnSync('unshare', ['-rm', 'sh', '-c', mount], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    return { skip: `cannot mount a small tmpfs here (${(probe.stderr || String(probe.error)).trim()})` };
  const file = path.join(path.dirname(mountPoint), `fill-${path.basename(mountPoint)}.mjs`);
  fs.writeFileSync(file, script);
  const run = spawnSync('unshare', ['-rm', 'sh', '-c', `${mount} && '${process.execPath}' '${file}'`], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`the script on the tiny disk failed: ${run.stderr}`);
  return { outcome: JSON.parse(run.stdout.trim().split('\n').pop() as string), stderr: run.stderr };
}

export function listing(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

export function newSession(overrides: Partial<NewSession> = {}): NewSession {
  return {
    config: sessionConfigSchema.parse({ operator: 'ada', seed: 7, pace: 'fast', batchSize: 8 }),
    backend: 'cpu',
    appVersion: '0.1.0-test',
    host: 'cli',
    pid: process.pid,
    ...overrides,
  };
}

/**
 * A step whose every field differs from its neighbours', with values exact in float32. No field is
 * -0: SQLite keeps whole-number REALs as integers on disk, so a REAL column gives -0 back as 0.
 */
export function sampleStep(step: number, episode = 0): StepRecord {
  const human = step % 3 === 0 ? [0.25, -0.5] : null;
  return {
    step,
    episode,
    episodeStep: step,
    wallMs: step * 100 + 0.125,
    mode: human ? 'human' : 'robot',
    q: step % 4 === 0 ? null : step / 8,
    threshold: step % 5 === 0 ? null : 1.5 + step,
    novice: [step / 16, 0.5 - step / 32],
    applied: human ?? [step / 16, 0.5 - step / 32],
    human,
    reward: step / 4,
    cost: step % 7 === 0 ? 1 : 0,
    done: step % 10 === 9,
    helpRequested: step % 3 === 0,
    egoX: step * 1.5,
    egoY: 0.5 - step * 0.75,
    egoHeading: step / 100,
    egoSpeed: 10 + step,
    obs: Float32Array.from({ length: 259 }, (_, i) => (i + step) / 64),
    frame: Float64Array.from({ length: 12 }, (_, i) => i * 0.1 + step),
  };
}

export const gridScene: Scene = {
  kind: 'grid',
  width: 3,
  height: 2,
  cells: [2, 2, 2, 1, 8, 2],
  colors: [0, 0, 0, 0, 1, 0],
  bounds: { minX: 0, minY: 0, maxX: 3, maxY: 2 },
};

export const roadScene: Scene = {
  kind: 'road',
  lanes: [
    {
      id: 'a0',
      centre: [
        [0, 0],
        [50, 0],
      ],
      width: 3.5,
    },
  ],
  markings: [
    {
      points: [
        [0, 1.75],
        [50, 1.75],
      ],
      color: 'yellow',
      dashed: false,
    },
  ],
  surfaces: [
    {
      polygon: [
        [0, -1.75],
        [50, -1.75],
        [50, 1.75],
        [0, 1.75],
      ],
      kind: 'road',
    },
  ],
  route: [
    [0, 0],
    [50, 0],
  ],
  regions: [
    {
      name: 'S',
      polygon: [
        [0, -2],
        [50, -2],
        [50, 2],
        [0, 2],
      ],
    },
  ],
  bounds: { minX: 0, minY: -1.75, maxX: 50, maxY: 1.75 },
  ego: { length: 4.5, width: 1.8 },
};

/** A calibrated Logitech G29 on Linux: pedals on axes 2 and 3, resting at +1, MetaDrive's gain. */
export const G29_CALIBRATION: CalibrationRecord = Object.freeze({
  version: 1,
  deviceKey: '046d:c24f',
  profileKey: 'logitech-g29',
  steer: { axis: 0, centre: 0.01, left: -0.98, right: 0.99, deadZone: 0.02 },
  throttle: { source: 'axis', index: 2, released: 1, pressed: -1, deadZone: 0.02 },
  brake: { source: 'axis', index: 3, released: 1, pressed: -1, deadZone: 0.02 },
  clutch: null,
  gain: 1.5,
  rotationDeg: 900,
  calibrated: true,
}) as CalibrationRecord;
