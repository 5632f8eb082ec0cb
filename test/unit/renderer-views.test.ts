// The workstation views' pure logic, run in Node: the chase camera's placement and smoothing, the
// top-down transforms (north-up, heading-up, inset), lidar rays, checkpoints and dashes along the
// route, painted-line strips, the learning curves, remembered preferences, the keyboard-shortcut
// table and the new-session form derived from the contract's schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHASE_DEFAULTS,
  ChaseRig,
  DirectionSmoother,
  verticalFovDeg,
} from '../../renderer/src/views/chase/chase-camera.ts';
import { apply, fitBounds, mapRotation, worldToCanvas } from '../../renderer/src/views/topdown/transform.ts';
import { castLidar, slab } from '../../renderer/src/views/topdown/lidar.ts';
import {
  checkpointsAhead,
  dashes,
  indexPolyline,
  pointAt,
  projectOnto,
  type Point,
} from '../../renderer/src/views/route.ts';
import { appendRibbon, emptyTriangles } from '../../renderer/src/views/chase/ribbon.ts';
import { DynamicResolution } from '../../renderer/src/views/chase/resolution.ts';
import { MetricsStore, RATE_WINDOW_STEPS, ROLLING_EPISODES } from '../../renderer/src/state/metrics-store.ts';
import {
  clampFraction,
  fractionBounds,
  loadPref,
  parseNumberIn,
  savePref,
  type KeyValueStorage,
} from '../../renderer/src/state/prefs.ts';
import {
  findShortcut,
  RESERVED_KEYS,
  SHORTCUTS,
  SHORTCUT_IDS,
  stepWindow,
} from '../../renderer/src/app/shortcuts.ts';
import {
  checkForm,
  changeField,
  defaultFormValues,
  fieldVisible,
  formToConfig,
  sessionFormFields,
} from '../../renderer/src/views/session-form.ts';
import { ENV_IDS, PACES, BACKENDS, PRESETS, METHODS } from '../../main/contract/session-config.ts';
import type { Actor } from '../../main/contract/scene.ts';
import { z } from 'zod';
import type { InstancedMesh, Material, Mesh } from 'three';

const close = (a: number, b: number, eps = 1e-9) => Math.abs(a - b) <= eps;

test('chase camera: MetaDrive placement — 7.5 m behind, 2.2 m + half the car above, looking 2 m up', () => {
  const rig = new ChaseRig();
  const pose = rig.update({ x: 10, y: 5, heading: 0 }, 0);
  const chassis = CHASE_DEFAULTS.carHeight / 2;
  assert.deepEqual(pose.position, [10 - 7.5, 5, chassis + 2.2 + CHASE_DEFAULTS.carHeight / 2]);
  assert.deepEqual(pose.target, [10, 5, chassis + 2]);
  // A shallow downward pitch of about 6°.
  const pitch = (Math.atan2(pose.position[2] - pose.target[2], 7.5) * 180) / Math.PI;
  assert.ok(pitch > 5 && pitch < 7, `pitch ${pitch}°`);
  // Facing north, the camera sits south of the car.
  const north = new ChaseRig().update({ x: 0, y: 0, heading: Math.PI / 2 }, 0);
  assert.ok(close(north.position[0], 0, 1e-9) && close(north.position[1], -7.5, 1e-9));
});

test('chase camera: a 65° horizontal field of view becomes three.js’s vertical one', () => {
  assert.ok(close(verticalFovDeg(65, 1), 65, 1e-9));
  const v = verticalFovDeg(65, 16 / 9);
  assert.ok(close(Math.tan((v * Math.PI) / 360) * (16 / 9), Math.tan((65 * Math.PI) / 360), 1e-9));
  assert.ok(v < 65);
  assert.equal(verticalFovDeg(65, 0), 65);
});

test('chase camera: the direction is the mean of the last 20 samples, taken at 50 Hz whatever the frame rate', () => {
  const smoother = new DirectionSmoother(20);
  smoother.fill(0);
  for (let i = 0; i < 10; i++) smoother.push(Math.PI / 2);
  const [x, y] = smoother.direction();
  // Ten samples east, ten north: half-way, 45°.
  assert.ok(close(Math.atan2(y, x), Math.PI / 4, 1e-9));
  for (let i = 0; i < 10; i++) smoother.push(Math.PI / 2);
  assert.ok(close(Math.atan2(smoother.direction()[1], smoother.direction()[0]), Math.PI / 2, 1e-9));

  // The car turns 90° at once: after 100 ms (5 samples of 20) the camera has turned part of the way,
  // after 400 ms (20 samples) all of it — at 60 fps and at 15 fps alike.
  for (const fps of [60, 15]) {
    const rig = new ChaseRig();
    rig.update({ x: 0, y: 0, heading: 0 }, 0);
    let now = 0;
    const headingAfter = (ms: number) => {
      let pose = rig.pose({ x: 0, y: 0, heading: Math.PI / 2 });
      for (const end = now + ms; now + 1000 / fps <= end + 1e-9;) {
        now += 1000 / fps;
        pose = rig.update({ x: 0, y: 0, heading: Math.PI / 2 }, now);
      }
      return Math.atan2(pose.target[1] - pose.position[1], pose.target[0] - pose.position[0]);
    };
    const early = headingAfter(100);
    assert.ok(early > 0.1 && early < Math.PI / 2 - 0.1, `at ${fps} fps after 0.1 s: ${early}`);
    assert.equal(rig.settled(Math.PI / 2), false);
    const late = headingAfter(400);
    assert.ok(close(late, Math.PI / 2, 1e-6), `at ${fps} fps after 0.5 s: ${late}`);
    assert.equal(rig.settled(Math.PI / 2), true);
  }
});

test('chase camera: a reset (new episode) snaps behind the car, and a long stall catches up at once', () => {
  const rig = new ChaseRig();
  rig.update({ x: 0, y: 0, heading: 0 }, 0);
  rig.reset();
  const snapped = rig.update({ x: 100, y: 0, heading: Math.PI }, 10);
  assert.ok(close(snapped.position[0], 107.5, 1e-9) && close(snapped.position[1], 0, 1e-9));
  const caught = rig.update({ x: 100, y: 0, heading: Math.PI / 2 }, 60_000);
  assert.ok(close(caught.position[0], 100, 1e-9) && close(caught.position[1], -7.5, 1e-9));
  // U-turn in one window: the mean cancels; the newest sample decides, never NaN.
  const s = new DirectionSmoother(2);
  s.push(0);
  s.push(Math.PI);
  assert.ok(s.direction().every(Number.isFinite));
});

test('chase camera: the resolution drops in steps while frames are slow, and comes back when they are fast', () => {
  const r = new DynamicResolution({ min: 0.5, max: 1, low: 40, high: 55, window: 10, holdMs: 1000 });
  let now = 0;
  const run = (fps: number, seconds: number) => {
    const changes: number[] = [];
    for (let i = 0; i < fps * seconds; i++) {
      now += 1000 / fps;
      if (r.frame(now)) changes.push(r.scale);
    }
    return changes;
  };
  assert.deepEqual(run(60, 3), [], 'fast frames at full scale: nothing to do');
  const down = run(10, 10);
  assert.ok(down.length >= 2, `scaled down in steps: ${down}`);
  assert.equal(r.scale, 0.5, 'never below the floor');
  assert.ok(down.every((s, i) => i === 0 || s < down[i - 1]));
  // Between 40 and 55 fps it holds.
  assert.deepEqual(run(48, 5), []);
  run(60, 10);
  assert.equal(r.scale, 1, 'back to full scale');
  // A stall (hidden tab) is not a slow frame.
  const before = r.scale;
  now += 5000;
  assert.equal(r.frame(now), false);
  assert.equal(r.scale, before);
});

test('top-down: north-up centres the ego; heading-up turns the map so the ego points up the screen', () => {
  const north = worldToCanvas({ x: 10, y: 20, heading: 1 }, 5, 800, 600, false);
  assert.deepEqual(apply(north, 10, 20), [400, 300]);
  // 1 m north of the ego is 5 px up the screen; 1 m east is 5 px right.
  const up = apply(north, 10, 21);
  assert.ok(close(up[0], 400) && close(up[1], 295));
  assert.ok(close(apply(north, 11, 20)[0], 405));
  assert.ok(close(mapRotation(north), 0));

  for (const heading of [0, 0.7, Math.PI / 2, -2.5, Math.PI]) {
    const m = worldToCanvas({ x: 3, y: -4, heading }, 5, 800, 600, true);
    const [ex, ey] = apply(m, 3, -4);
    assert.ok(close(ex, 400) && close(ey, 600 * 0.64), 'ego below the centre');
    // A point 10 m ahead of the ego is 50 px straight up.
    const [ax, ay] = apply(m, 3 + 10 * Math.cos(heading), -4 + 10 * Math.sin(heading));
    assert.ok(close(ax, ex, 1e-9) && close(ay, ey - 50, 1e-9), `ahead at heading ${heading}: ${ax}, ${ay}`);
    // A point 2 m to the ego's left is 10 px to the screen's left.
    const [lx, ly] = apply(m, 3 - 2 * Math.sin(heading), -4 + 2 * Math.cos(heading));
    assert.ok(close(lx, ex - 10, 1e-9) && close(ly, ey, 1e-9));
  }
  // Facing east with heading up, north is to the left: the north arrow turns −90°.
  assert.ok(close(mapRotation(worldToCanvas({ x: 0, y: 0, heading: 0 }, 5, 100, 100, true)), -Math.PI / 2));
});

test('top-down: the inset fits the whole map inside its box, north up', () => {
  const m = fitBounds({ minX: -100, minY: 0, maxX: 300, maxY: 100 }, 200, 200, 0);
  const corners = [apply(m, -100, 0), apply(m, 300, 100)];
  for (const [x, y] of corners) assert.ok(x >= -1e-9 && x <= 200 + 1e-9 && y >= -1e-9 && y <= 200 + 1e-9);
  assert.ok(close(corners[0][0], 0) && close(corners[1][0], 200), 'the long side fills the box');
  assert.ok(corners[1][1] < corners[0][1], 'north is up');
});

test('lidar: 240 rays of 50 m hit the nearest box face and miss what is beside or behind others', () => {
  const car = (x: number, y: number, heading = 0): Actor => ({
    kind: 'vehicle',
    x,
    y,
    heading,
    length: 4,
    width: 2,
    state: 0,
  });
  const ego = { x: 0, y: 0, heading: 0 };
  const d = castLidar(ego, [car(20, 0), car(30, 0), car(0, -10, Math.PI / 2)]);
  assert.equal(d.length, 240);
  assert.ok(close(d[0], 18, 1e-9), `ray 0 (ahead) ${d[0]}`);
  // Ray 180 points backwards: nothing there.
  assert.equal(d[120], 50);
  // Ray 180 of 240 is 270°: straight right (south), a car turned north-south, 2 m long half-length → 8 m.
  assert.ok(close(d[180], 8, 1e-9), `ray 180 (right) ${d[180]}`);
  // The ego's own heading turns the rays.
  const turned = castLidar({ x: 0, y: 0, heading: Math.PI / 2 }, [car(0, 20)]);
  assert.ok(close(turned[0], 19, 1e-9));
  // Out of range and non-detected kinds are ignored; out is reused.
  const out = new Float64Array(8);
  const same = castLidar(ego, [car(80, 0), { ...car(10, 0), kind: 'door' }], 8, 50, out);
  assert.equal(same, out);
  assert.deepEqual([...same], new Array(8).fill(50));
  // Starting inside a box counts as a hit at 0.
  assert.equal(slab(0, 0, 1, 0, 1, 1), 0);
  assert.equal(slab(-5, 3, 1, 0, 1, 1), Number.POSITIVE_INFINITY);
});

test('route: projection, points along it, the next checkpoints ahead and the destination', () => {
  const route = indexPolyline([
    [0, 0],
    [100, 0],
    [100, 100],
  ]);
  assert.equal(route.length, 200);
  assert.deepEqual(projectOnto(route, 30, 4), { s: 30, distance: 4 });
  assert.equal(projectOnto(route, 104, 60).s, 160);
  const p = pointAt(route, 150);
  assert.ok(close(p.x, 100) && close(p.y, 50) && close(p.heading, Math.PI / 2));
  const ahead = checkpointsAhead(route, 30);
  assert.deepEqual(ahead.next, [
    { x: 50, y: 0 },
    { x: 100, y: 0 },
  ]);
  assert.deepEqual(ahead.destination, { x: 100, y: 100 });
  // Near the end only what lies before the destination remains.
  assert.deepEqual(checkpointsAhead(route, 160).next, []);
  assert.deepEqual(checkpointsAhead(route, 140).next, [{ x: 100, y: 50 }]);
  assert.deepEqual(checkpointsAhead(indexPolyline([]), 0), { next: [], destination: null, progress: 0 });
});

test('dashes: 1.5 m dashes every 5 m, corners kept inside a dash', () => {
  const line: Point[] = [
    [0, 0],
    [11, 0],
  ];
  const cut = dashes(line, 1.5, 5);
  assert.equal(cut.length, 3);
  assert.deepEqual(cut[0], [
    [0, 0],
    [1.5, 0],
  ]);
  assert.deepEqual(cut[2], [
    [10, 0],
    [11, 0],
  ]);
  const bent = dashes(
    [
      [0, 0],
      [1, 0],
      [1, 1],
    ],
    1.5,
    5,
  );
  assert.deepEqual(bent[0], [
    [0, 0],
    [1, 0],
    [1, 0.5],
  ]);
  assert.deepEqual(dashes([[0, 0]], 1, 2), []);
});

test('ribbons: a strip of the given width, facing up, two triangles per segment', () => {
  const out = emptyTriangles();
  appendRibbon(
    out,
    [
      [0, 0],
      [10, 0],
      [10, 10],
    ],
    0.2,
    0.05,
  );
  assert.equal(out.positions.length, 3 * 6);
  assert.equal(out.indices.length, 12);
  // First pair: 0.1 m either side of the start.
  assert.deepEqual(out.positions.slice(0, 6), [0, 0.1, 0.05, 0, -0.1, 0.05]);
  // Every triangle is counter-clockwise seen from above.
  for (let i = 0; i < out.indices.length; i += 3) {
    const [a, b, c] = [0, 1, 2].map((k) => out.indices[i + k] * 3);
    const cross =
      (out.positions[b] - out.positions[a]) * (out.positions[c + 1] - out.positions[a + 1]) -
      (out.positions[b + 1] - out.positions[a + 1]) * (out.positions[c] - out.positions[a]);
    assert.ok(cross > 0, `triangle ${i / 3} faces up`);
  }
  // The corner's mitre keeps the strip's width: its outer vertex is √2·0.1 from the corner.
  assert.ok(close(Math.hypot(out.positions[6] - 10, out.positions[7]), Math.SQRT2 * 0.1, 1e-9));
});

test('learning curves: rolling success vs expert-involved steps, and the takeover rate over a window', () => {
  const m = new MetricsStore();
  for (let step = 0; step <= 400; step++) {
    // The first 100 decisions are all the expert's, then one in ten.
    const expertSteps = step <= 100 ? step : 100 + Math.floor((step - 100) / 10);
    m.onFrame({ step, expertSteps });
    if (step === 150) m.onEpisode(0, true);
    if (step === 300) m.onEpisode(1, false);
  }
  assert.deepEqual(
    m.episodes.map((e) => [e.expertSteps, e.rolling]),
    [
      [105, 1],
      [120, 0.5],
    ],
  );
  const last = m.takeoverRate.at(-1)!;
  assert.equal(last.step, 400);
  assert.ok(close(last.rate, 0.1, 0.01), `rate ${last.rate} over the last ${RATE_WINDOW_STEPS} steps`);
  assert.ok(close(m.takeoverRate[0].rate, 1), 'warm-up is all expert');
  // The rolling rate looks back ROLLING_EPISODES episodes only.
  for (let e = 2; e < 2 + ROLLING_EPISODES; e++) m.onEpisode(e, true);
  assert.equal(m.episodes.at(-1)!.rolling, 1);
  m.onEvaluation({ expertSteps: 120, step: 300, successRate: 0.4 });
  const v = m.version;
  // A frame from an earlier step means a new session: the curves start over.
  m.onFrame({ step: 0, expertSteps: 0 });
  assert.ok(m.version > v);
  assert.deepEqual([m.episodes.length, m.evaluations.length, m.takeoverRate.length], [0, 0, 0]);
});

test('preferences: stored as JSON under aim.*, bad or missing values fall back, storage errors are ignored', () => {
  const map = new Map<string, string>();
  const storage: KeyValueStorage = {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
  };
  const parse = parseNumberIn(0, 1);
  assert.equal(loadPref('layout.main', parse, 0.6, storage), 0.6);
  savePref('layout.main', 0.3, storage);
  assert.equal(map.get('aim.layout.main'), '0.3');
  assert.equal(loadPref('layout.main', parse, 0.6, storage), 0.3);
  map.set('aim.layout.main', '7');
  assert.equal(loadPref('layout.main', parse, 0.6, storage), 0.6);
  map.set('aim.layout.main', '{not json');
  assert.equal(loadPref('layout.main', parse, 0.6, storage), 0.6);
  const broken: KeyValueStorage = {
    getItem: () => {
      throw new Error('denied');
    },
    setItem: () => {
      throw new Error('full');
    },
  };
  assert.equal(loadPref('x', parse, 0.5, broken), 0.5);
  savePref('x', 1, broken);
  assert.equal(loadPref('x', parse, 0.5, null), 0.5);
  assert.deepEqual(fractionBounds(1000, 200), [0.2, 0.8]);
  assert.deepEqual(fractionBounds(300, 200), [0.5, 0.5]);
  assert.equal(clampFraction(0.95, 0.2, 0.8), 0.8);
  assert.equal(clampFraction(Number.NaN, 0.2, 0.8), 0.5);
});

test('shortcuts: one per control, none on a driving key, matched with the right modifiers', () => {
  assert.deepEqual(
    SHORTCUTS.map((s) => s.id),
    [...SHORTCUT_IDS],
  );
  const keys = SHORTCUTS.map((s) => `${s.shift ? 'shift+' : ''}${s.key}`);
  assert.equal(new Set(keys).size, keys.length, 'no two controls share a key');
  for (const s of SHORTCUTS) assert.ok(!RESERVED_KEYS.has(s.key), `${s.id} is not on a driving key`);
  const key = (k: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean }> = {}) => ({
    key: k,
    shiftKey: false,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    ...mods,
  });
  assert.equal(findShortcut(key('p')), 'pauseResume');
  assert.equal(findShortcut(key('P', { shiftKey: true })), null);
  assert.equal(findShortcut(key('X', { shiftKey: true })), 'stop');
  assert.equal(findShortcut(key('x')), null, 'a plain x never stops a session');
  assert.equal(findShortcut(key('?', { shiftKey: true })), 'help');
  assert.equal(findShortcut(key('n', { ctrlKey: true })), null, 'browser shortcuts are left alone');
  assert.equal(findShortcut(key(' ')), null);
  assert.equal(stepWindow(30, 1), 60);
  assert.equal(stepWindow(30, -1), 10);
  assert.equal(stepWindow(10, -1), 10);
  assert.equal(stepWindow(300, 1), 300);
  assert.equal(stepWindow(45, 1), 60);
});

test('new-session form: fields follow the contract schema, defaults come from it, and it checks the form', () => {
  const fields = sessionFormFields();
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const values = (key: string) => byKey.get(key)?.options?.map((o) => o.value);
  assert.deepEqual(values('env'), [...ENV_IDS]);
  assert.deepEqual(values('pace'), [...PACES]);
  assert.deepEqual(values('backend'), [...BACKENDS]);
  assert.deepEqual(values('preset'), [...PRESETS]);
  assert.deepEqual(values('method'), [...METHODS]);
  assert.deepEqual(values('expert'), ['scripted', 'person']);
  // A person's own fields show only with that kind.
  assert.deepEqual(
    byKey.get('expert.handback')?.options?.map((o) => o.value),
    ['', 'agreement', 'release', 'both'],
  );
  assert.deepEqual(byKey.get('expert.gating')?.when, { key: 'expert', value: 'person' });
  const person = checkForm(fields, {
    ...defaultFormValues(fields),
    expert: 'person',
    'expert.handback': 'agreement',
  });
  assert.equal(person.ok, true, person.error ?? '');
  assert.deepEqual(person.config.expert, { kind: 'person', handback: 'agreement' });
  // The test ids the end-to-end tests and the README screenshot script use.
  for (const id of [
    'env-select',
    'warmup-input',
    'batch-size-input',
    'seed-input',
    'delta-input',
    'operator-input',
  ])
    assert.ok(
      fields.some((f) => f.testId === id),
      id,
    );
  assert.equal(byKey.get('warmup')?.min, 10);
  assert.equal(byKey.get('warmup')?.integer, true);
  assert.equal(byKey.get('env')?.advanced, false);
  assert.equal(byKey.get('steps')?.advanced, true);
  // A new session can start from an exported policy folder (aim export policy); blank starts fresh.
  assert.deepEqual(
    [
      byKey.get('initialPolicy')?.control,
      byKey.get('initialPolicy')?.advanced,
      byKey.get('initialPolicy')?.optional,
    ],
    ['text', true, true],
  );

  const defaults = defaultFormValues(fields);
  assert.equal(defaults.warmup, '200');
  assert.equal(defaults.expert, 'scripted');
  const ok = checkForm(fields, { ...defaults, env: 'driving', warmup: '30', delta: '0.3' });
  assert.equal(ok.ok, true, ok.error ?? '');
  assert.deepEqual(
    { env: ok.config.env, warmup: ok.config.warmup, delta: ok.config.delta, expert: ok.config.expert },
    { env: 'driving', warmup: 30, delta: 0.3, expert: { kind: 'scripted' } },
  );
  const bad = checkForm(fields, { ...defaults, delta: '2', warmup: '5' });
  assert.equal(bad.ok, false);
  assert.match(bad.error ?? '', /^Cannot start: .*delta \(δ \(help rate\)\)/);
  assert.match(bad.error ?? '', /warmup/);
});

test('new-session form: choosing the grid or another preset moves knobs left at their defaults, not typed ones', () => {
  const fields = sessionFormFields();
  const defaults = defaultFormValues(fields);
  assert.deepEqual(
    [defaults.env, defaults.warmup, defaults.delta, defaults.batchSize],
    ['toy', '200', '0.05', '1024'],
  );
  const grid = changeField(defaults, 'env', 'grid');
  assert.deepEqual([grid.warmup, grid.delta, grid.batchSize], ['400', '0.1', '200']);
  const paper = changeField(grid, 'preset', 'paper');
  assert.deepEqual([paper.warmup, paper.delta, paper.batchSize], ['100', '0.05', '200']);
  // What the person typed stays; a blank stays blank and the core fills it for the grid.
  const typed = changeField({ ...defaults, warmup: '300', batchSize: '' }, 'env', 'grid');
  assert.deepEqual([typed.warmup, typed.delta, typed.batchSize], ['300', '0.1', '']);
  const checked = checkForm(fields, typed);
  assert.equal(checked.ok, true, checked.error ?? '');
  assert.equal(checked.config.batchSize, undefined);
  // Other fields change alone.
  assert.deepEqual(changeField(grid, 'seed', '3'), { ...grid, seed: '3' });
  // Back to driving brings the continuous defaults back.
  const driving = changeField(grid, 'env', 'driving');
  assert.deepEqual([driving.warmup, driving.delta, driving.batchSize], ['200', '0.05', '1024']);
});

test('new-session form: knobs, optional fields and expert kinds added to a schema appear without code changes', () => {
  const schema = z
    .object({
      env: z.enum(['toy', 'driving']).default('toy'),
      expert: z
        .discriminatedUnion('kind', [
          z.object({ kind: z.literal('scripted') }).strict(),
          z.object({ kind: z.literal('person'), device: z.string().min(1) }).strict(),
        ])
        .default({ kind: 'scripted' }),
      mode: z.enum(['lockstep', 'async']).optional(),
      knobs: z
        .object({ td: z.boolean(), kappa: z.number().gt(0) })
        .partial()
        .default({}),
    })
    .strict();
  const fields = sessionFormFields(schema);
  assert.deepEqual(
    fields.map((f) => [f.key, f.control, f.advanced, f.optional]),
    [
      ['env', 'select', false, false],
      ['expert', 'select', false, false],
      ['expert.device', 'text', false, false],
      ['mode', 'select', true, true],
      ['knobs.td', 'select', true, true],
      ['knobs.kappa', 'number', true, true],
    ],
  );
  const device = fields.find((f) => f.key === 'expert.device')!;
  const values = defaultFormValues(fields, schema);
  assert.equal(fieldVisible(device, values), false);
  assert.deepEqual(formToConfig(fields, values), { env: 'toy', expert: { kind: 'scripted' } });
  const person = {
    ...values,
    expert: 'person',
    'expert.device': 'G29',
    'knobs.td': 'true',
    'knobs.kappa': '1.5',
  };
  assert.equal(fieldVisible(device, person), true);
  const checked = checkForm(fields, person, schema);
  assert.equal(checked.ok, true, checked.error ?? '');
  assert.deepEqual(checked.config, {
    env: 'toy',
    expert: { kind: 'person', device: 'G29' },
    knobs: { td: true, kappa: 1.5 },
  });
});

test('chase world: meshes from a RoadScene, instanced actors and markers, and everything released on dispose', async () => {
  const { buildRoad, DynamicLayer } = await import('../../renderer/src/views/chase/world.ts');
  const { toyRoadScene } = await import('../e2e/helpers/fake-core.ts');
  const scene = toyRoadScene();
  const road = buildRoad(scene, 'dark');
  const names = road.group.children.map((c) => c.name).sort();
  assert.deepEqual(names, ['ground', 'road-surface', 'route', 'sidewalks', 'white-lines', 'yellow-lines']);
  // Sidewalks are raised: their geometry reaches above the road.
  const sidewalks = road.group.getObjectByName('sidewalks') as Mesh;
  sidewalks.geometry.computeBoundingBox();
  assert.ok(sidewalks.geometry.boundingBox!.max.z > 0.1);
  assert.equal(road.route.length > 100, true);

  const layer = new DynamicLayer('dark');
  layer.setActors([
    { kind: 'vehicle', x: 10, y: 0, heading: 0, length: 4.5, width: 1.8, state: 0 },
    { kind: 'vehicle', x: 20, y: 0, heading: 0, length: 4.5, width: 1.8, state: 1 },
    { kind: 'cone', x: 5, y: 1, heading: 0, length: 0.4, width: 0.4, state: 0 },
    { kind: 'door', x: 0, y: 0, heading: 0, length: 1, width: 1, state: 0 },
  ]);
  const count = (name: string) => (layer.group.getObjectByName(name) as InstancedMesh).count;
  assert.deepEqual([count('vehicle'), count('cone'), count('triangle'), count('barrier')], [2, 1, 0, 0]);
  layer.setRoute(road.route, { x: 0, y: -1.75 });
  assert.equal(layer.group.getObjectByName('checkpoint-1')!.visible, true);
  assert.equal(layer.group.getObjectByName('destination')!.visible, true);

  // Every geometry and material announces its disposal (the renderer frees GPU memory on it).
  const disposed = new Set<unknown>();
  const tracked = new Set<{ dispose(): void }>();
  for (const root of [road.group, layer.group])
    root.traverse((node) => {
      const mesh = node as Mesh;
      for (const resource of [mesh.geometry, mesh.material as Material | undefined])
        if (resource && !tracked.has(resource)) {
          tracked.add(resource);
          resource.addEventListener('dispose', () => disposed.add(resource));
        }
    });
  road.dispose();
  layer.dispose();
  assert.ok(tracked.size > 10);
  assert.equal(disposed.size, tracked.size, 'every geometry and material disposed');
  assert.equal(road.group.parent, null);
});
