// Device profiles for wheels, pedals and gamepads read through the Gamepad API. Wheels report
// mapping "" (non-standard), so a profile is chosen by the vendor and product id that the browser
// puts into Gamepad.id, and says which axis is the wheel, which are the pedals (and how they rest),
// where the D-pad is and which buttons are the paddles. Pure: no DOM access, so it runs under Node.
//
// Axis indices differ by OS. On Linux Chromium reads the joystick device, whose axes come in the
// order of the kernel's ABS codes (X, Y, Z, RZ, then the hat as two axes). On Windows and macOS it
// orders HID usages (X 0, Y 1, Z 2, Rx 3, Ry 4, Rz 5, …) and reports the hat as one axis (9). The
// layouts below follow public reports (MetaDrive's G29 controller on Linux; a G920 in Edge; the
// hid-tmff2 and MiSTer T300 reports) and none was checked on a real device here — calibration
// confirms the pedal axes by asking the person to press each pedal (calibration.ts).

export type Platform = 'linux' | 'windows' | 'mac' | 'other';

/** Where a pedal's value comes from and what it reads released and fully pressed. */
export interface PedalSource {
  source: 'axis' | 'button';
  index: number;
  /** The raw value at rest: +1 for wheel pedals (they press to −1), 0 for analogue trigger buttons. */
  released: number;
  pressed: number;
}

export interface SteeringSource {
  axis: number;
  /** The raw axis grows to the right (true for every wheel here); the mapped steer is +left. */
  invert: boolean;
}

/** The D-pad: one hat axis (Windows/macOS wheels), two axes (Linux), or buttons (standard gamepads). */
export type HatSource =
  | { kind: 'axis'; index: number }
  | { kind: 'axes'; x: number; y: number }
  | { kind: 'buttons'; up: number; down: number; left: number; right: number };

export interface Layout {
  steer: SteeringSource;
  throttle: PedalSource | null;
  brake: PedalSource | null;
  clutch: PedalSource | null;
  hat: HatSource | null;
  /** Takeover buttons (MetaDrive: either paddle held). */
  paddles: { left: number; right: number } | null;
}

export interface DeviceProfile {
  key: string;
  label: string;
  kind: 'wheel' | 'gamepad';
  /** vendor:product pairs in lower-case hex, as in Gamepad.id. */
  ids: readonly string[];
  /** Wheel rotation the axis spans by default (degrees), for the session's metadata. */
  rotationDeg: number | null;
  /** Per-OS layouts; `default` serves every OS without its own. */
  layouts: { default: Layout } & Partial<Record<Platform, Layout>>;
}

/** A wheel pedal on an axis: +1 released, −1 pressed. */
function pedal(index: number): PedalSource {
  return { source: 'axis', index, released: 1, pressed: -1 };
}

function trigger(index: number): PedalSource {
  return { source: 'button', index, released: 0, pressed: 1 };
}

const WHEEL_STEER: SteeringSource = { axis: 0, invert: true };
const HAT_AXIS_9: HatSource = { kind: 'axis', index: 9 };
const PADDLES_RIGHT4_LEFT5 = { left: 5, right: 4 };

/** A wheel's layout: steering on axis 0, pedals resting at +1, Logitech-style paddles. */
function wheel(hat: HatSource | null, throttle: number, brake: number, clutch: number | null): Layout {
  return {
    steer: WHEEL_STEER,
    throttle: pedal(throttle),
    brake: pedal(brake),
    clutch: clutch === null ? null : pedal(clutch),
    hat,
    paddles: PADDLES_RIGHT4_LEFT5,
  };
}

/** Windows/macOS HID-usage order (X 0, Y 1, Z 2, Rx 3, Ry 4, Rz 5; the hat as one axis, 9). */
const hidWheel = (throttle: number, brake: number, clutch: number | null) =>
  wheel(HAT_AXIS_9, throttle, brake, clutch);
/** Linux joystick order for a wheel with X, Y, Z, RZ and a hat: the hat's x and y follow as 4 and 5. */
const linuxWheel = (throttle: number, brake: number, clutch: number | null) =>
  wheel({ kind: 'axes', x: 4, y: 5 }, throttle, brake, clutch);

export const PROFILES: readonly DeviceProfile[] = Object.freeze([
  {
    key: 'logitech-g29',
    label: 'Logitech G29',
    kind: 'wheel',
    ids: ['046d:c24f'],
    rotationDeg: 900,
    // Linux: MetaDrive reads steering = −axis 0, throttle axis 2, brake axis 3 (clutch is axis 1),
    // right paddle button 4, left paddle 5.
    layouts: { default: hidWheel(2, 5, 1), linux: linuxWheel(2, 3, 1) },
  },
  {
    key: 'logitech-g920',
    label: 'Logitech G920',
    kind: 'wheel',
    ids: ['046d:c262'],
    rotationDeg: 900,
    // Edge on Windows: axis 0 wheel (right positive), 1 throttle, 2 brake, 5 clutch, D-pad hat on
    // axis 9; B4 right paddle, B5 left paddle (redphx/better-xcloud#425).
    layouts: { default: hidWheel(1, 2, 5), linux: linuxWheel(1, 2, 3) },
  },
  {
    key: 'thrustmaster-t300',
    label: 'Thrustmaster T300',
    kind: 'wheel',
    ids: ['044f:b66e', '044f:b66d'],
    rotationDeg: 1080,
    // hid-tmff2: ABS X, Y, Z, RZ and a hat; brake on Y, throttle on RZ, clutch on Z (pedal-set dependent).
    layouts: { default: hidWheel(5, 1, 2), linux: linuxWheel(3, 1, 2) },
  },
  {
    key: 'generic-gamepad',
    label: 'Gamepad',
    kind: 'gamepad',
    ids: [],
    rotationDeg: null,
    // The W3C standard mapping: left stick x steers, right trigger (7) throttles, left trigger (6)
    // brakes, the D-pad is buttons 12–15, the shoulder buttons (4, 5) act as paddles.
    layouts: {
      default: {
        steer: { axis: 0, invert: true },
        throttle: trigger(7),
        brake: trigger(6),
        clutch: null,
        hat: { kind: 'buttons', up: 12, down: 13, left: 14, right: 15 },
        paddles: { left: 4, right: 5 },
      },
    },
  },
  {
    key: 'generic-wheel',
    label: 'Wheel',
    kind: 'wheel',
    ids: [],
    rotationDeg: null,
    // The common X (wheel), Y, Z pedal layout; calibration confirms which pedal is which. Where the
    // D-pad sits depends on how many axes come before it, so it is left out.
    layouts: { default: wheel(null, 1, 2, null) },
  },
]);

export function profileByKey(key: string): DeviceProfile | undefined {
  return PROFILES.find((profile) => profile.key === key);
}

export interface ParsedGamepadId {
  vendor: string | null;
  product: string | null;
  name: string;
}

/**
 * Vendor, product and name from a Gamepad.id: Chromium writes "Name (Vendor: 046d Product: c24f)"
 * (or "Name (STANDARD GAMEPAD Vendor: … Product: …)"), Firefox and Safari "046d-c24f-Name".
 */
export function parseGamepadId(id: string): ParsedGamepadId {
  const chromium =
    /^(.*?)\s*\((?:[^()]*?\s)?Vendor:\s*([0-9a-f]{1,4})\s+Product:\s*([0-9a-f]{1,4})\)\s*$/i.exec(id);
  if (chromium !== null) {
    return { vendor: hex4(chromium[2]), product: hex4(chromium[3]), name: chromium[1].trim() };
  }
  const dashed = /^([0-9a-f]{1,4})-([0-9a-f]{1,4})-(.*)$/i.exec(id);
  if (dashed !== null) return { vendor: hex4(dashed[1]), product: hex4(dashed[2]), name: dashed[3].trim() };
  return { vendor: null, product: null, name: id.trim() };
}

function hex4(value: string): string {
  return value.toLowerCase().padStart(4, '0');
}

/** The key a calibration is saved under: vendor:product where the id has them, else the id itself. */
export function deviceKey(id: string): string {
  const parsed = parseGamepadId(id);
  return parsed.vendor !== null && parsed.product !== null ? `${parsed.vendor}:${parsed.product}` : id;
}

/** What the sampler knows of a device (a Gamepad has all of this). */
export interface DeviceDescription {
  id: string;
  mapping: string;
  axes: number;
  buttons: number;
}

export interface ProfileMatch {
  profile: DeviceProfile;
  layout: Layout;
  deviceKey: string;
  /** False when the device is not in the table and a generic profile stands in. */
  known: boolean;
  /** Controls the device lacks (an axis or button beyond what it reports). */
  missing: string[];
  /** Whether steering can be read at all. */
  usable: boolean;
  /** What to tell the person, or null when all is well. */
  message: string | null;
}

const WHEEL_WORDS = /wheel|racing|driving|steering|pedal/i;

/** The OS as the renderer sees it, from navigator.userAgent (or "other"). */
export function platformFromUserAgent(userAgent: string): Platform {
  if (/Windows/i.test(userAgent)) return 'windows';
  if (/Mac OS X|Macintosh/i.test(userAgent)) return 'mac';
  if (/Linux|X11|CrOS/i.test(userAgent)) return 'linux';
  return 'other';
}

/** The layout a profile uses on an OS. */
export function layoutFor(profile: DeviceProfile, platform: Platform): Layout {
  return profile.layouts[platform] ?? profile.layouts.default;
}

/** Names every control the layout reads that the device does not report. */
export function missingControls(layout: Layout, axes: number, buttons: number): string[] {
  const missing: string[] = [];
  const check = (name: string, source: 'axis' | 'button', index: number) => {
    const count = source === 'axis' ? axes : buttons;
    if (index >= count) missing.push(`${name} (${source} ${index})`);
  };
  check('steering', 'axis', layout.steer.axis);
  for (const name of ['throttle', 'brake', 'clutch'] as const) {
    const pedalSource = layout[name];
    if (pedalSource !== null) check(name, pedalSource.source, pedalSource.index);
  }
  if (layout.paddles !== null) {
    check('left paddle', 'button', layout.paddles.left);
    check('right paddle', 'button', layout.paddles.right);
  }
  const hat = layout.hat;
  if (hat?.kind === 'axis') check('D-pad', 'axis', hat.index);
  if (hat?.kind === 'axes') {
    check('D-pad x', 'axis', hat.x);
    check('D-pad y', 'axis', hat.y);
  }
  if (hat?.kind === 'buttons') check('D-pad', 'button', Math.max(hat.up, hat.down, hat.left, hat.right));
  return missing;
}

/** Picks the profile for a device; unknown devices get a generic one, and the message says so. */
export function resolveProfile(device: DeviceDescription, platform: Platform): ProfileMatch {
  const parsed = parseGamepadId(device.id);
  const pair =
    parsed.vendor !== null && parsed.product !== null ? `${parsed.vendor}:${parsed.product}` : null;
  const listed = pair === null ? undefined : PROFILES.find((profile) => profile.ids.includes(pair));
  const generic =
    device.mapping === 'standard' && !WHEEL_WORDS.test(parsed.name)
      ? profileByKey('generic-gamepad')!
      : profileByKey('generic-wheel')!;
  const profile = listed ?? generic;
  const layout = layoutFor(profile, platform);
  const missing = missingControls(layout, device.axes, device.buttons);
  const usable = layout.steer.axis < device.axes;
  const name = parsed.name !== '' ? parsed.name : 'this device';
  const notes: string[] = [];
  if (listed === undefined) {
    notes.push(
      `Unknown device "${name}"${pair !== null ? ` (${pair})` : ''}: using the generic ${profile.kind} profile — calibrate it to confirm the axes.`,
    );
  }
  if (missing.length > 0) {
    notes.push(
      `${profile.label} profile: the device reports ${device.axes} axes and ${device.buttons} buttons, so it lacks ${missing.join(', ')}` +
        (usable ? '; calibrate to assign them.' : '; it cannot steer.'),
    );
  }
  return {
    profile,
    layout,
    deviceKey: pair ?? device.id,
    known: listed !== undefined,
    missing,
    usable,
    message: notes.length > 0 ? notes.join(' ') : null,
  };
}

export type HatDirection =
  'up' | 'up-right' | 'right' | 'down-right' | 'down' | 'down-left' | 'left' | 'up-left';

const HAT_DIRECTIONS: readonly HatDirection[] = [
  'up',
  'up-right',
  'right',
  'down-right',
  'down',
  'down-left',
  'left',
  'up-left',
];

/**
 * A single hat axis as a direction: value = −1 + k·2/7 for k = 0 (up) … 7 (up-left) clockwise, and
 * anything beyond 1 (≈ 1.2857) at rest.
 */
export function decodeHatAxis(value: number): HatDirection | null {
  if (!Number.isFinite(value) || value > 1 + 1e-3 || value < -1 - 1e-3) return null;
  const k = Math.round(((value + 1) * 7) / 2);
  return k >= 0 && k <= 7 ? HAT_DIRECTIONS[k] : null;
}

/** The D-pad's direction from a layout's hat source, or null when at rest or absent. */
export function readHat(
  hat: HatSource | null,
  axes: readonly number[],
  pressed: (index: number) => boolean,
): HatDirection | null {
  if (hat === null) return null;
  if (hat.kind === 'axis') return decodeHatAxis(axes[hat.index] ?? Number.NaN);
  let x: number;
  let y: number;
  if (hat.kind === 'axes') {
    x = Math.sign(Math.round(axes[hat.x] ?? 0));
    y = Math.sign(Math.round(axes[hat.y] ?? 0));
  } else {
    x = (pressed(hat.right) ? 1 : 0) - (pressed(hat.left) ? 1 : 0);
    y = (pressed(hat.down) ? 1 : 0) - (pressed(hat.up) ? 1 : 0);
  }
  if (x === 0 && y === 0) return null;
  const vertical = y < 0 ? 'up' : y > 0 ? 'down' : '';
  const horizontal = x > 0 ? 'right' : x < 0 ? 'left' : '';
  return (vertical && horizontal ? `${vertical}-${horizontal}` : vertical || horizontal) as HatDirection;
}
