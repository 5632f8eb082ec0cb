// One decision's state as a fixed-layout Float64Array: a header of named fields, then actors.
// Frames are small (about 26 + 7·actors numbers) and sent at the decision rate (10 Hz), so they
// travel as binary and are never JSON per frame.
import { ACTOR_KINDS, type Actor } from './scene.ts';
import { modeCode, modeFromCode, type ControlMode } from './modes.ts';

/** Header field names in layout order. Actions use two slots; a discrete action uses slot 0. */
export const FRAME_FIELDS = [
  'seq',
  'step',
  'episode',
  'episodeStep',
  'simTime',
  'mode',
  'q',
  'threshold',
  'novice0',
  'novice1',
  'applied0',
  'applied1',
  'human0',
  'human1',
  'egoX',
  'egoY',
  'egoHeading',
  'egoSpeed',
  'takeovers',
  'expertSteps',
  'helpRequested',
  'reward',
  'cost',
  'routeCompletion',
  'learnerLag',
  'actorCount',
] as const;

export type FrameField = (typeof FRAME_FIELDS)[number];
export const FRAME_HEADER = FRAME_FIELDS.length;
export const ACTOR_STRIDE = 7;

const fieldIndex = Object.fromEntries(FRAME_FIELDS.map((name, i) => [name, i])) as Record<FrameField, number>;

export interface Frame {
  seq: number;
  /** Decision steps since the session started. */
  step: number;
  episode: number;
  episodeStep: number;
  simTime: number;
  mode: ControlMode;
  /** Q(s, a_novice) of the proxy Q; NaN before the proxy exists. */
  q: number;
  /** The gate's current threshold; NaN during warm-up. */
  threshold: number;
  novice: [number, number];
  applied: [number, number];
  /** The person's or simulated expert's action this step; NaN when none was asked. */
  human: [number, number];
  egoX: number;
  egoY: number;
  egoHeading: number;
  egoSpeed: number;
  takeovers: number;
  expertSteps: number;
  /** 1 on the step at which the gate asked for help. */
  helpRequested: boolean;
  reward: number;
  cost: number;
  routeCompletion: number;
  /** Transitions the learner has not yet trained on (0 when it keeps up). */
  learnerLag: number;
  actors: Actor[];
}

export function encodeFrame(frame: Frame): Float64Array {
  const out = new Float64Array(FRAME_HEADER + ACTOR_STRIDE * frame.actors.length);
  const set = (name: FrameField, value: number) => {
    out[fieldIndex[name]] = value;
  };
  set('seq', frame.seq);
  set('step', frame.step);
  set('episode', frame.episode);
  set('episodeStep', frame.episodeStep);
  set('simTime', frame.simTime);
  set('mode', modeCode(frame.mode));
  set('q', frame.q);
  set('threshold', frame.threshold);
  set('novice0', frame.novice[0]);
  set('novice1', frame.novice[1]);
  set('applied0', frame.applied[0]);
  set('applied1', frame.applied[1]);
  set('human0', frame.human[0]);
  set('human1', frame.human[1]);
  set('egoX', frame.egoX);
  set('egoY', frame.egoY);
  set('egoHeading', frame.egoHeading);
  set('egoSpeed', frame.egoSpeed);
  set('takeovers', frame.takeovers);
  set('expertSteps', frame.expertSteps);
  set('helpRequested', frame.helpRequested ? 1 : 0);
  set('reward', frame.reward);
  set('cost', frame.cost);
  set('routeCompletion', frame.routeCompletion);
  set('learnerLag', frame.learnerLag);
  set('actorCount', frame.actors.length);
  frame.actors.forEach((actor, i) => {
    const base = FRAME_HEADER + i * ACTOR_STRIDE;
    out[base] = ACTOR_KINDS.indexOf(actor.kind);
    out[base + 1] = actor.x;
    out[base + 2] = actor.y;
    out[base + 3] = actor.heading;
    out[base + 4] = actor.length;
    out[base + 5] = actor.width;
    out[base + 6] = actor.state;
  });
  return out;
}

export class FrameFormatError extends Error {}

export function decodeFrame(data: Float64Array): Frame {
  if (data.length < FRAME_HEADER)
    throw new FrameFormatError(`frame has ${data.length} numbers, header needs ${FRAME_HEADER}`);
  const get = (name: FrameField) => data[fieldIndex[name]];
  const actorCount = get('actorCount');
  if (!Number.isInteger(actorCount) || data.length !== FRAME_HEADER + ACTOR_STRIDE * actorCount) {
    throw new FrameFormatError(`frame length ${data.length} does not match its ${actorCount} actors`);
  }
  const actors: Actor[] = [];
  for (let i = 0; i < actorCount; i++) {
    const base = FRAME_HEADER + i * ACTOR_STRIDE;
    const kind = ACTOR_KINDS[data[base]];
    if (kind === undefined) throw new FrameFormatError(`frame actor ${i} has unknown kind ${data[base]}`);
    actors.push({
      kind,
      x: data[base + 1],
      y: data[base + 2],
      heading: data[base + 3],
      length: data[base + 4],
      width: data[base + 5],
      state: data[base + 6],
    });
  }
  return {
    seq: get('seq'),
    step: get('step'),
    episode: get('episode'),
    episodeStep: get('episodeStep'),
    simTime: get('simTime'),
    mode: modeFromCode(get('mode')),
    q: get('q'),
    threshold: get('threshold'),
    novice: [get('novice0'), get('novice1')],
    applied: [get('applied0'), get('applied1')],
    human: [get('human0'), get('human1')],
    egoX: get('egoX'),
    egoY: get('egoY'),
    egoHeading: get('egoHeading'),
    egoSpeed: get('egoSpeed'),
    takeovers: get('takeovers'),
    expertSteps: get('expertSteps'),
    helpRequested: get('helpRequested') === 1,
    reward: get('reward'),
    cost: get('cost'),
    routeCompletion: get('routeCompletion'),
    learnerLag: get('learnerLag'),
    actors,
  };
}
