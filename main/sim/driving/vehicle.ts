// The vehicle: a kinematic bicycle with a friction-limited lateral acceleration, integrated at
// 0.02 s sub-steps (5 per decision), standing in for MetaDrive's Bullet ray-cast vehicle.
// Action: steering in [−1, 1] (+ = left) times the maximum wheel angle, and throttle/brake in
// [−1, 1]. No reverse; the engine is cut above 80 km/h.
import type { Rng } from '../random.ts';

export const PHYSICS_DT = 0.02;
export const DECISION_REPEAT = 5;
export const GRAVITY = 9.81;
export const MAX_SPEED_KMH = 80;
export const MAX_SPEED = MAX_SPEED_KMH / 3.6;

export interface VehicleType {
  name: 'default' | 'S' | 'M' | 'L' | 'XL';
  length: number;
  width: number;
  /** Front axle ahead of the centre, rear axle behind (m). */
  lf: number;
  lr: number;
  maxSteerDeg: number;
  /** Per-wheel engine force range (N) and mass (kg): full throttle gives 4·F/m m/s². */
  engineForce: readonly [number, number];
  mass: number;
  frictionSlip: number;
}

// Geometry and masses from MetaDrive's vehicle_type.py and pg_space.py.
export const DEFAULT_VEHICLE: VehicleType = {
  name: 'default',
  length: 4.515,
  width: 1.852,
  lf: 1.052,
  lr: 1.417,
  maxSteerDeg: 40,
  engineForce: [750, 850],
  mass: 1100,
  frictionSlip: 0.9,
};

export const TRAFFIC_TYPES: readonly VehicleType[] = [
  {
    name: 'S',
    length: 4.3,
    width: 1.7,
    lf: 1.385,
    lr: 1.11,
    maxSteerDeg: 50,
    engineForce: [350, 550],
    mass: 800,
    frictionSlip: 0.9,
  },
  {
    name: 'M',
    length: 4.6,
    width: 1.85,
    lf: 1.285,
    lr: 1.203,
    maxSteerDeg: 45,
    engineForce: [650, 850],
    mass: 1200,
    frictionSlip: 0.75,
  },
  {
    name: 'L',
    length: 4.87,
    width: 2.046,
    lf: 1.53,
    lr: 1.218,
    maxSteerDeg: 40,
    engineForce: [450, 650],
    mass: 1300,
    frictionSlip: 0.8,
  },
  {
    name: 'XL',
    length: 5.74,
    width: 2.3,
    lf: 1.726,
    lr: 1.075,
    maxSteerDeg: 35,
    engineForce: [500, 700],
    mass: 1600,
    frictionSlip: 0.7,
  },
];

/** Traffic draws S/M/L/XL with probabilities 0.2/0.3/0.3/0.2 (PGTrafficManager.random_vehicle_type). */
export function randomTrafficType(rng: Rng): VehicleType {
  const u = rng.next();
  return u < 0.2
    ? TRAFFIC_TYPES[0]
    : u < 0.5
      ? TRAFFIC_TYPES[1]
      : u < 0.8
        ? TRAFFIC_TYPES[2]
        : TRAFFIC_TYPES[3];
}

/** Constant rolling/drivetrain resistance while moving (m/s²); 0 → 80 km/h takes ≈ 8.2 s. */
export const RESISTANCE = 0.3;
/** Full-brake deceleration (m/s²); a stop from 80 km/h takes ≈ 2.4 s. */
export const BRAKE_DECEL = 9;

export class Vehicle {
  x = 0;
  y = 0;
  heading = 0;
  /** Forward speed, m/s, never negative. */
  speed = 0;
  /** Last applied normalised steering and throttle. */
  steering = 0;
  throttle = 0;
  readonly type: VehicleType;
  readonly wheelbase: number;
  readonly halfLength: number;
  readonly halfWidth: number;
  /** Full-throttle acceleration, m/s². */
  readonly engineAccel: number;
  private readonly maxSteer: number;
  private readonly lateralLimit: number;

  constructor(type: VehicleType, engineAccel?: number) {
    this.type = type;
    this.wheelbase = type.lf + type.lr;
    this.halfLength = type.length / 2;
    this.halfWidth = type.width / 2;
    this.maxSteer = (type.maxSteerDeg * Math.PI) / 180;
    this.lateralLimit = type.frictionSlip * GRAVITY;
    // 4 driven wheels at the static engine force (800 N for the default car): 2.9 m/s², plus the
    // resistance that is always subtracted, so the net full-throttle acceleration is ≈ 2.7 m/s².
    this.engineAccel =
      engineAccel ?? (4 * ((type.engineForce[0] + type.engineForce[1]) / 2)) / type.mass + 0.1;
  }

  place(x: number, y: number, heading: number, speed: number): void {
    this.x = x;
    this.y = y;
    this.heading = heading;
    this.speed = speed;
    this.steering = 0;
    this.throttle = 0;
  }

  /** Sets the held controls for the next sub-steps (already clipped to [−1, 1]). */
  setControls(steering: number, throttle: number): void {
    this.steering = steering;
    this.throttle = throttle;
  }

  /** One physics sub-step of length dt. */
  integrate(dt: number): void {
    const v = this.speed;
    const a1 = this.throttle;
    let acc: number;
    if (a1 >= 0) acc = (v > MAX_SPEED ? 0 : a1 * this.engineAccel) - (v > 0 ? RESISTANCE : 0);
    else acc = v > 0 ? a1 * BRAKE_DECEL - RESISTANCE : 0;
    let delta = this.steering * this.maxSteer;
    // Friction limit: shrink the wheel angle so that v²·tan δ / L stays below μg.
    if (v > 1e-3) {
      const maxTan = (this.lateralLimit * this.wheelbase) / (v * v);
      const t = Math.tan(delta);
      if (Math.abs(t) > maxTan) delta = Math.atan(Math.sign(t) * maxTan);
    }
    const tanD = Math.tan(delta);
    const beta = Math.atan((this.type.lr / this.wheelbase) * tanD);
    const th = this.heading + beta;
    this.x += v * Math.cos(th) * dt;
    this.y += v * Math.sin(th) * dt;
    this.heading += ((v * Math.cos(beta) * tanD) / this.wheelbase) * dt;
    const nv = v + acc * dt;
    this.speed = nv > 0 ? nv : 0;
  }
}
