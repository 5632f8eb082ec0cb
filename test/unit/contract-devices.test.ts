// The device side of the contract: raw wheel samples riding on input samples, device events,
// calibrations and the person-expert configuration are checked where they enter the core, and a
// malformed one is refused with one error naming what is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContractError, parseCommand, parseHumanInput } from '../../main/contract/validate.ts';
import { sessionConfigSchema } from '../../main/contract/session-config.ts';
import { G29_CALIBRATION } from '../../main/store/test-support.ts';

const raw = {
  device: 'G29 Driving Force Racing Wheel (Vendor: 046d Product: c24f)',
  deviceKey: '046d:c24f',
  profile: 'logitech-g29',
  axes: [0.1, 0, 1, 1, 0, 0],
  buttons: [0, 0, 0, 0, 1],
  throttle: 0,
  brake: 0,
  paddle: true,
};
const sample = { t: 12.5, source: 'gamepad', steer: -0.1, throttle: 0, engaged: true, raw };
const record = G29_CALIBRATION;

function refused(action: () => unknown, pattern: RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof ContractError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

test('a wheel sample carries its raw reading; malformed readings are refused by name', () => {
  assert.deepEqual(parseHumanInput(sample).raw, raw);
  assert.equal(parseHumanInput({ ...sample, source: 'keyboard', raw: undefined }).raw, undefined);
  refused(() => parseHumanInput({ ...sample, source: 'keyboard' }), /raw: only a gamepad sample carries/);
  refused(() => parseHumanInput({ ...sample, raw: { ...raw, axes: new Array(33).fill(0) } }), /raw\.axes/);
  refused(() => parseHumanInput({ ...sample, raw: { ...raw, buttons: [2] } }), /raw\.buttons\.0/);
  refused(() => parseHumanInput({ ...sample, raw: { ...raw, brake: -0.5 } }), /raw\.brake/);
  refused(() => parseHumanInput({ ...sample, raw: { ...raw, extra: 1 } }), /raw/);
  refused(() => parseHumanInput({ ...sample, raw: { ...raw, axes: [Number.NaN] } }), /raw\.axes\.0/);
});

test('device events and calibrations are commands checked like the others', () => {
  const event = {
    kind: 'connected',
    t: 5,
    device: raw.device,
    deviceKey: raw.deviceKey,
    profile: raw.profile,
    known: true,
  };
  assert.deepEqual(parseCommand('device.event', event).request, event);
  refused(
    () => parseCommand('device.event', { ...event, kind: 'unplugged' }),
    /invalid arguments for device\.event: kind/,
  );
  refused(() => parseCommand('device.event', { ...event, deviceKey: '' }), /deviceKey/);

  assert.deepEqual(parseCommand('calibration.get', { deviceKey: '046d:c24f' }).request, {
    deviceKey: '046d:c24f',
    operator: '',
  });
  const save = { deviceKey: '046d:c24f', operator: 'ada', record };
  assert.deepEqual(parseCommand('calibration.save', save).request, save);
  refused(
    () => parseCommand('calibration.save', { ...save, deviceKey: '044f:b66e' }),
    /record\.deviceKey: the record belongs to another device/,
  );
  refused(
    () =>
      parseCommand('calibration.save', {
        ...save,
        record: { ...record, throttle: { ...record.throttle, pressed: 1 } },
      }),
    /record\.throttle: a pedal must travel/,
  );
  refused(
    () => parseCommand('calibration.save', { ...save, record: { ...record, gain: 0 } }),
    /record\.gain/,
  );
  assert.deepEqual(parseCommand('ff.status', {}).request, {});
  refused(() => parseCommand('ff.status', { force: 1 }), /invalid arguments for ff\.status/);
});

test('a person as the expert: defaults, switchable triggers, and refused values', () => {
  const config = sessionConfigSchema.parse({ operator: 'ada', expert: { kind: 'person' } });
  assert.deepEqual(config.expert, {
    kind: 'person',
    device: 'any',
    gating: 'robot',
    triggers: { paddle: true, pedal: true, wheel: true },
    pedalThreshold: 0.2,
    steerThreshold: 0.3,
    staleInputMs: 200,
    handback: 'both',
  });
  const custom = sessionConfigSchema.parse({
    expert: { kind: 'person', gating: 'human', triggers: { wheel: false }, handback: 'release' },
  });
  assert.deepEqual(custom.expert.kind === 'person' && custom.expert.triggers, {
    paddle: true,
    pedal: true,
    wheel: false,
  });
  assert.equal(
    sessionConfigSchema.safeParse({ expert: { kind: 'person', handback: 'never' } }).success,
    false,
  );
  assert.equal(
    sessionConfigSchema.safeParse({ expert: { kind: 'person', pedalThreshold: 0 } }).success,
    false,
  );
  refused(() => parseCommand('session.start', { expert: { kind: 'robot' } }), /expert/);
});
