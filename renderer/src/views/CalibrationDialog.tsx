// The calibration wizard for the connected wheel or gamepad: steering gain (MetaDrive's 1.5× as a
// preset) and dead zones first, then centre, full left and right lock and each pedal, driven by the
// pure state machine in input/calibration.ts. Samples are folded in as they arrive (200 Hz) and the
// view refreshes at 10 Hz. Nothing changes until the last step is done: cancelling, or the device
// going away mid-way, keeps the calibration in effect. The finished one is saved in the core's
// database for this device and operator and applied at once.
import { useEffect, useRef, useState } from 'react';
import type { CoreClient } from '../../../main/contract/api.ts';
import {
  abortCalibration,
  advance,
  currentStep,
  recordSample,
  restartStep,
  skipStep,
  startCalibration,
  STEERING_GAIN_PRESETS,
  STEP_INSTRUCTIONS,
  type CalibrationState,
} from '../input/calibration.ts';
import type { WheelLink } from '../input/wheel-link.ts';
import { useModal } from '../app/use-modal.ts';

export interface CalibrationDialogProps {
  open: boolean;
  onClose: () => void;
  link: WheelLink;
  client: CoreClient;
  operator: string;
  onMessage: (text: string, error?: boolean) => void;
}

const REFRESH_MS = 100;

function DeadZone(props: { label: string; value: string; onChange: (v: string) => void; testId: string }) {
  return (
    <label>
      {props.label} dead zone (%)
      <input
        type="number"
        min={0}
        max={20}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        data-testid={props.testId}
      />
    </label>
  );
}

export function CalibrationDialog({
  open,
  onClose,
  link,
  client,
  operator,
  onMessage,
}: CalibrationDialogProps) {
  const modal = useModal(open, onClose);
  const wizard = useRef<CalibrationState | null>(null);
  const [, setTick] = useState(0);
  const [gain, setGain] = useState(String(STEERING_GAIN_PRESETS.metadrive));
  const [steerDz, setSteerDz] = useState('0');
  const [pedalDz, setPedalDz] = useState('2');
  const [saving, setSaving] = useState(false);
  const refresh = () => setTick((n) => n + 1);

  useEffect(() => {
    if (!open) {
      wizard.current = null;
      return;
    }
    const offSample = link.onSample((sample) => {
      if (wizard.current) wizard.current = recordSample(wizard.current, sample.axes, sample.buttons);
    });
    const offDevice = link.subscribe(() => {
      if (link.device === null && wizard.current?.phase === 'recording') {
        wizard.current = abortCalibration(wizard.current, 'the device was disconnected');
        refresh();
      }
    });
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      offSample();
      offDevice();
      clearInterval(timer);
    };
  }, [open, link]);

  const device = link.sampler.device;
  const state = wizard.current;
  const step = state ? currentStep(state) : null;

  const begin = () => {
    if (device === null) return;
    wizard.current = startCalibration({
      previous: device.calibration.calibrated ? device.calibration : null,
      profile: device.match.profile,
      layout: device.match.layout,
      deviceKey: device.match.deviceKey,
      gain: Number(gain),
      deadZones: { steer: Number(steerDz) / 100, pedal: Number(pedalDz) / 100 },
    });
    refresh();
  };

  const next = async () => {
    if (!wizard.current) return;
    wizard.current = advance(wizard.current);
    refresh();
    const done = wizard.current;
    if (done.phase !== 'done' || done.active === null) return;
    setSaving(true);
    try {
      const saved = await client.call('calibration.save', {
        deviceKey: done.deviceKey,
        operator,
        record: done.active,
      });
      link.applyCalibration(saved.record);
      onMessage(
        `Calibration of ${device?.match.profile.label ?? done.deviceKey} saved for ${operator || 'everyone'}.`,
      );
    } catch (error) {
      onMessage(error instanceof Error ? error.message : String(error), true);
    } finally {
      setSaving(false);
    }
  };

  const cancel = () => {
    if (wizard.current?.phase === 'recording') wizard.current = abortCalibration(wizard.current, 'cancelled');
    onClose();
  };

  const live = device ? Array.from(device.pad.axes, (a) => a.toFixed(2)).join('  ') : '';
  return (
    <dialog {...modal} onClose={cancel} className="calibration" data-testid="calibration-dialog">
      <h2>Calibrate {device ? device.match.profile.label : 'a device'}</h2>
      {device === null && state?.phase !== 'aborted' && (
        <p data-testid="calibration-no-device">
          Connect a wheel or gamepad (press a button so the browser sees it).
        </p>
      )}
      {device !== null && state === null && (
        <div className="form-grid">
          <label>
            Steering gain
            <select
              value={gain}
              onChange={(e) => setGain(e.currentTarget.value)}
              data-testid="calibration-gain-select"
            >
              <option value={String(STEERING_GAIN_PRESETS.direct)}>
                1× (the wheel's full lock is the car's)
              </option>
              <option value={String(STEERING_GAIN_PRESETS.metadrive)}>1.5× (MetaDrive)</option>
            </select>
          </label>
          <DeadZone
            label="Steering"
            value={steerDz}
            onChange={setSteerDz}
            testId="calibration-steer-deadzone"
          />
          <DeadZone label="Pedal" value={pedalDz} onChange={setPedalDz} testId="calibration-pedal-deadzone" />
        </div>
      )}
      {state !== null && (
        <p data-testid="calibration-step" data-step={step ?? state.phase}>
          {step !== null
            ? `Step ${state.stepIndex + 1} of ${state.steps.length}: ${STEP_INSTRUCTIONS[step]}`
            : state.phase === 'done'
              ? saving
                ? 'Saving…'
                : 'Calibrated and saved.'
              : 'Calibration stopped.'}
        </p>
      )}
      {state?.phase === 'recording' && (
        <p className="muted" data-testid="calibration-live">
          {state.recording.samples} samples · axes {live}
        </p>
      )}
      {state?.message && (
        <p className="dialog-error" role="alert" data-testid="calibration-message">
          {state.message}
        </p>
      )}
      <div className="buttons">
        <button type="button" onClick={cancel} data-testid="calibration-cancel">
          {state?.phase === 'done' || state?.phase === 'aborted' ? 'Close' : 'Cancel'}
        </button>
        {state?.phase === 'recording' && (
          <button
            type="button"
            onClick={() => ((wizard.current = restartStep(state)), refresh())}
            data-testid="calibration-restart"
          >
            Restart step
          </button>
        )}
        {step === 'clutch' && (
          <button
            type="button"
            onClick={() => void ((wizard.current = skipStep(state!)), next())}
            data-testid="calibration-skip"
          >
            Skip clutch
          </button>
        )}
        {device !== null && state === null && (
          <button type="button" className="primary" onClick={begin} data-testid="calibration-start">
            Start
          </button>
        )}
        {state?.phase === 'recording' && (
          <button
            type="button"
            className="primary"
            onClick={() => void next()}
            data-testid="calibration-continue"
          >
            Continue
          </button>
        )}
      </div>
    </dialog>
  );
}
