// Input devices across the UI↔core boundary: the raw wheel or gamepad reading that rides along with
// each input sample, the device's comings and goings, its saved calibration and the state of force
// feedback. The renderer samples the device (the Gamepad API lives there); the core decides who
// drives, records the raw samples around takeovers and stores calibrations.
import { z } from 'zod';

const finite = z.number().finite();
const unit = z.number().min(0).max(1);

/** What a wheel or gamepad read on one poll, next to what the profile and calibration made of it. */
export const rawDeviceSampleSchema = z
  .object({
    /** Gamepad.id as the browser reports it. */
    device: z.string().min(1).max(200),
    /** vendor:product (or the id): what calibrations are saved under. */
    deviceKey: z.string().min(1).max(200),
    /** The profile the device was matched to (renderer/src/input/profiles.ts keys). */
    profile: z.string().min(1).max(60),
    axes: z.array(finite).max(32),
    /** Button values 0..1. */
    buttons: z.array(z.number().min(0).max(1)).max(64),
    /** The mapped pedals, 0 released … 1 pressed (the sample's throttle is throttle − brake). */
    throttle: unit,
    brake: unit,
    /** Either paddle held. */
    paddle: z.boolean(),
  })
  .strict();
export type RawDeviceSample = z.output<typeof rawDeviceSampleSchema>;

/** A device appeared (with the profile it was matched to) or went away. */
export const deviceEventSchema = z
  .object({
    kind: z.enum(['connected', 'disconnected']),
    /** Sampler clock, ms. */
    t: finite,
    device: z.string().min(1).max(200),
    deviceKey: z.string().min(1).max(200),
    profile: z.string().min(1).max(60),
    /** False when the device is unknown and the generic profile stands in. */
    known: z.boolean(),
  })
  .strict();
export type DeviceEvent = z.output<typeof deviceEventSchema>;

const pedalCalibrationSchema = z
  .object({
    source: z.enum(['axis', 'button']),
    index: z.number().int().min(0).max(63),
    released: finite,
    pressed: finite,
    deadZone: z.number().min(0).max(0.95),
  })
  .strict()
  .refine((p) => p.released !== p.pressed, { message: 'a pedal must travel: released equals pressed' });

/** One device's calibration (renderer/src/input/calibration.ts derives it; the store keeps it). */
export const calibrationRecordSchema = z
  .object({
    version: z.literal(1),
    deviceKey: z.string().min(1).max(200),
    profileKey: z.string().min(1).max(60),
    steer: z
      .object({
        axis: z.number().int().min(0).max(31),
        centre: finite,
        left: finite,
        right: finite,
        deadZone: z.number().min(0).max(0.95),
      })
      .strict(),
    throttle: pedalCalibrationSchema.nullable(),
    brake: pedalCalibrationSchema.nullable(),
    clutch: pedalCalibrationSchema.nullable(),
    gain: z.number().gt(0).max(10),
    rotationDeg: z.number().gt(0).max(3600).nullable(),
    calibrated: z.boolean(),
  })
  .strict();
export type CalibrationRecord = z.output<typeof calibrationRecordSchema>;
export type SteerCalibration = CalibrationRecord['steer'];
export type PedalCalibration = NonNullable<CalibrationRecord['throttle']>;

export const calibrationKeySchema = z
  .object({ deviceKey: z.string().min(1).max(200), operator: z.string().max(200).default('') })
  .strict();

export const calibrationSaveSchema = z
  .object({
    deviceKey: z.string().min(1).max(200),
    operator: z.string().max(200).default(''),
    record: calibrationRecordSchema,
  })
  .strict()
  .refine((r) => r.record.deviceKey === r.deviceKey, {
    message: 'the record belongs to another device',
    path: ['record', 'deviceKey'],
  });

export interface SavedCalibration {
  deviceKey: string;
  operator: string;
  record: CalibrationRecord;
  savedAt: string;
}

/** Why force feedback is or is not working (native/evdev-ff's reasons). */
export const FF_REASONS = [
  'ok',
  'not-linux',
  'no-addon',
  'no-device',
  'no-permission',
  'no-ff',
  'error',
] as const;
export type FfReason = (typeof FF_REASONS)[number];

export interface ForceFeedbackEvent {
  active: boolean;
  reason: FfReason;
  /** One sentence for the UI, e.g. "no force-feedback device". */
  message: string;
  /** The event device's name when one is open. */
  device: string | null;
}
