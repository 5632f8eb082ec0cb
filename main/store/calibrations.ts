// Saved calibrations: one per device and operator, so two people sharing a wheel each keep their
// own dead zones and gain. A read falls back to the device's most recent calibration by anyone, since
// the centre and locks belong to the device, not the person.
import { calibrationRecordSchema, type SavedCalibration } from '../contract/devices.ts';
import { nowIso, type Statements } from './codec.ts';
import { parseJson } from './queries.ts';

interface CalibrationSql {
  deviceKey: string;
  operator: string;
  recordJson: string;
  savedAt: string;
}

const COLUMNS = 'device_key AS deviceKey, operator, record_json AS recordJson, saved_at AS savedAt';

export function saveCalibration(st: Statements, saved: Omit<SavedCalibration, 'savedAt'>): SavedCalibration {
  const record = calibrationRecordSchema.parse(saved.record);
  const savedAt = nowIso();
  st.get(
    `INSERT INTO calibrations (device_key, operator, record_json, saved_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (device_key, operator) DO UPDATE SET record_json = excluded.record_json, saved_at = excluded.saved_at`,
  ).run(saved.deviceKey, saved.operator, JSON.stringify(record), savedAt);
  return { deviceKey: saved.deviceKey, operator: saved.operator, record, savedAt };
}

/** The operator's own calibration of the device, else the newest anyone saved, else undefined. */
export function calibration(
  st: Statements,
  deviceKey: string,
  operator: string,
): SavedCalibration | undefined {
  const row = (st
    .get(`SELECT ${COLUMNS} FROM calibrations WHERE device_key = ? AND operator = ?`)
    .get(deviceKey, operator) ??
    st
      .get(
        `SELECT ${COLUMNS} FROM calibrations WHERE device_key = ? ORDER BY saved_at DESC, rowid DESC LIMIT 1`,
      )
      .get(deviceKey)) as CalibrationSql | undefined;
  if (row === undefined) return undefined;
  return {
    deviceKey: row.deviceKey,
    operator: row.operator,
    savedAt: row.savedAt,
    record: parseJson(calibrationRecordSchema, row.recordJson, `The calibration of ${row.deviceKey}`),
  };
}
