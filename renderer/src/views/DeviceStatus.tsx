// The footer's device line: which wheel or gamepad is connected (and whether its profile is known
// and it is calibrated), pedals still waiting for their first press, force feedback active or why
// not, and the button that opens the calibration wizard.
import type { ForceFeedbackEvent } from '../../../main/contract/devices.ts';
import type { DeviceState } from '../input/wheel-link.ts';

export interface DeviceStatusProps {
  device: DeviceState | null;
  ff: ForceFeedbackEvent | null;
  onCalibrate: () => void;
}

export function DeviceStatus({ device, ff, onCalibrate }: DeviceStatusProps) {
  return (
    <span className="device-status">
      <span data-testid="device-status" title={device?.note ?? undefined}>
        {device === null
          ? 'No wheel or gamepad'
          : `${device.label}${device.known ? '' : ' (generic profile)'} · ${device.calibrated ? 'calibrated' : 'not calibrated'}`}
      </span>
      {device?.pending && (
        <span className="pending" role="status" data-testid="pending-pedals">
          {device.pending}
        </span>
      )}
      {ff !== null && (
        <span
          className={`ff-status ${ff.active ? 'active' : 'inactive'}`}
          data-testid="ff-status"
          data-reason={ff.reason}
        >
          {ff.active ? `Force feedback: ${ff.device ?? 'on'}` : `Force feedback off: ${ff.message}`}
        </span>
      )}
      <button type="button" onClick={onCalibrate} disabled={device === null} data-testid="calibrate-button">
        Calibrate…
      </button>
    </span>
  );
}
