// Trigger-mode traffic (MetaDrive's PGTrafficManager + IDMPolicy): cars are placed at reset on the
// positive roads of every block but the first, stay parked until the ego enters the road leading
// into their block, then drive with IDM speed control (km/h units, as MetaDrive), PID lane keeping
// and a simple overtaking rule. A car is removed when its lane runs out of network.
import type { Rng } from '../random.ts';
import type { BlockBuild } from './blocks.ts';
import { wrapAngle } from './geometry.ts';
import type { Lane, LocalCoord } from './lane.ts';
import type { Road, RoadNetwork } from './road-network.ts';
import type { StaticObject } from './objects.ts';
import { Vehicle, randomTrafficType } from './vehicle.ts';

const SPAWN_INTERVAL = 10;
const NORMAL_SPEED = 30; // km/h
const CREEP_SPEED = 5;
const IDM_DELTA = 10;
const DISTANCE_WANTED = 10;
const TIME_WANTED = 1.5;
const SQRT_AB = Math.sqrt(5);
const FRONT_RANGE = 30;
const SEARCH_RADIUS = 50;
const SAFE_REAR_GAP = 15;
const SAFE_FRONT_GAP = 5;
const OVERTAKE_TIMER = 50;

export class TrafficCar {
  readonly vehicle: Vehicle;
  lane: Lane;
  /** Lane the car is steering to (its own lane unless changing lanes). */
  target: Lane;
  /** Continuation chosen for the target lane. */
  next: Lane | null = null;
  s = 0;
  lat = 0;
  active = false;
  removed = false;
  readonly block: number;
  overtakeTimer: number;
  creep = false;
  private headingPrev = 0;
  private headingSum = 0;
  private latPrev = 0;
  private latSum = 0;

  constructor(vehicle: Vehicle, lane: Lane, block: number, timer: number) {
    this.vehicle = vehicle;
    this.lane = lane;
    this.target = lane;
    this.block = block;
    this.overtakeTimer = timer;
  }

  /** PID lane keeping on the target lane: heading error 1 m ahead plus lateral offset. */
  steer(lc: LocalCoord): number {
    const lane = this.target;
    lane.local(this.vehicle.x, this.vehicle.y, lc);
    const eh = wrapAngle(lane.headingAt(Math.min(lane.length, lc.s + 1)) - this.vehicle.heading);
    // Lateral is + to the right and steering + to the left: a car right of its lane steers left.
    const el = lc.lat;
    const dh = eh - this.headingPrev;
    const dl = el - this.latPrev;
    this.headingPrev = eh;
    this.latPrev = el;
    this.headingSum += eh;
    this.latSum += el;
    const out = 1.7 * eh + 0.01 * this.headingSum + 3.5 * dh + 0.3 * el + 0.002 * this.latSum + 0.05 * dl;
    return out > 1 ? 1 : out < -1 ? -1 : out;
  }

  resetPid(): void {
    this.headingPrev = 0;
    this.headingSum = 0;
    this.latPrev = 0;
    this.latSum = 0;
  }
}

/** The ego as traffic sees it: pose, speed and its localised lane coordinates. */
export interface EgoView {
  x: number;
  y: number;
  speed: number;
  heading: number;
  lane: Lane;
  s: number;
  lat: number;
}

/**
 * Everything a traffic car reacts to (other cars, the ego, static objects), in lane coordinates.
 * Kept as parallel arrays rebuilt once per decision: sensing then needs no trigonometry, because
 * lanes of one road are parallel or concentric (lateral shifts by whole lane widths, s scales with
 * the lane length).
 */
class Entities {
  n = 0;
  x: number[] = [];
  y: number[] = [];
  speed: number[] = [];
  heading: number[] = [];
  lane: Lane[] = [];
  road: Road[] = [];
  s: number[] = [];
  lat: number[] = [];
  /** Index of the traffic car an entry belongs to, −1 for the ego and objects. */
  car: number[] = [];

  push(
    x: number,
    y: number,
    speed: number,
    heading: number,
    lane: Lane,
    road: Road,
    s: number,
    lat: number,
    car: number,
  ): void {
    const i = this.n++;
    this.x[i] = x;
    this.y[i] = y;
    this.speed[i] = speed;
    this.heading[i] = heading;
    this.lane[i] = lane;
    this.road[i] = road;
    this.s[i] = s;
    this.lat[i] = lat;
    this.car[i] = car;
  }
}

export class TrafficManager {
  cars: TrafficCar[] = [];
  private network!: RoadNetwork;
  private rng!: Rng;
  private objects: readonly StaticObject[] = [];
  private objectLat: number[] = [];
  private readonly lc: LocalCoord = { s: 0, lat: 0 };
  /** Blocks whose cars are still parked, with the road that triggers them. */
  private pending: { block: number; entry: string }[] = [];
  private readonly seen = new Entities();
  // Results of the last front/gap query (scratch, to avoid allocating).
  private frontDistance = Infinity;
  private frontSpeed = 0;
  private gapRear = Infinity;
  private gapFront = Infinity;
  private gapFrontSpeed = 0;

  reset(
    network: RoadNetwork,
    blocks: readonly BlockBuild[],
    blocked: ReadonlySet<Lane>,
    objects: readonly StaticObject[],
    density: number,
    rng: Rng,
  ): void {
    this.network = network;
    this.rng = rng;
    this.objects = objects;
    this.objectLat = objects.map((o) => o.lane.local(o.x, o.y, this.lc).lat);
    this.cars = [];
    this.pending = [];
    if (density <= 0) return;
    const p = [0, 0];
    for (const block of blocks) {
      if (block.type === 'I' || !block.entry) continue;
      const spots: { lane: Lane; s: number }[] = [];
      for (const road of block.spawnRoads) {
        for (const lane of road.lanes) {
          if (blocked.has(lane)) continue;
          for (let s = 0; s + 2.5 < lane.length; s += SPAWN_INTERVAL) spots.push({ lane, s: s + 2.5 });
        }
      }
      const count = Math.floor(spots.length * density);
      for (let k = 0; k < count; k++) {
        // Partial Fisher–Yates: a seeded sample without replacement.
        const j = k + rng.int(0, spots.length - k);
        [spots[k], spots[j]] = [spots[j], spots[k]];
        const { lane, s } = spots[k];
        const type = randomTrafficType(rng);
        const force = rng.uniform(type.engineForce[0], type.engineForce[1]);
        const v = new Vehicle(type, (4 * force) / type.mass);
        lane.position(s, 0, p);
        v.place(p[0], p[1], lane.headingAt(s), 0);
        const car = new TrafficCar(v, lane, block.index, rng.int(0, OVERTAKE_TIMER));
        car.s = s;
        this.cars.push(car);
      }
      if (count > 0)
        this.pending.push({ block: block.index, entry: `${block.entry.from}>${block.entry.to}` });
    }
  }

  /** Starts the parked cars of blocks whose entry road the ego is on (or has passed). */
  trigger(egoRoad: Road | null, passed: (roadKey: string) => boolean): void {
    if (this.pending.length === 0) return;
    const key = egoRoad ? `${egoRoad.from}>${egoRoad.to}` : '';
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const p = this.pending[i];
      if (p.entry !== key && !passed(p.entry)) continue;
      for (const car of this.cars) if (car.block === p.block) car.active = true;
      this.pending.splice(i, 1);
    }
  }

  /** Decides every active car's controls for this decision (MetaDrive's before_step). */
  beforeStep(ego: EgoView): void {
    const cars = this.cars;
    let any = false;
    for (const car of cars) {
      if (!car.active || car.removed) continue;
      this.localise(car);
      any = true;
    }
    if (!any) return;
    this.collect(ego);
    for (let i = 0; i < cars.length; i++) {
      const car = cars[i];
      if (!car.active || car.removed) continue;
      const v = car.vehicle;
      this.maybeChangeLane(car, i);
      this.front(car, i, car.target);
      const vKmh = v.speed * 3.6;
      const v0 = car.creep ? CREEP_SPEED : NORMAL_SPEED;
      let acc = 1 - Math.pow(Math.max(vKmh, 0) / v0, IDM_DELTA);
      if (this.frontDistance < Infinity) {
        const dv = vKmh - this.frontSpeed * 3.6;
        const dStar = DISTANCE_WANTED + TIME_WANTED * vKmh + (vKmh * dv) / (2 * SQRT_AB);
        const d = Math.max(this.frontDistance, 0.1);
        acc -= (Math.max(dStar, 0) / d) ** 2;
      }
      const throttle = acc > 1 ? 1 : acc < -1 ? -1 : acc;
      v.setControls(car.steer(this.lc), throttle);
    }
  }

  integrate(dt: number): void {
    for (const car of this.cars) if (car.active && !car.removed) car.vehicle.integrate(dt);
  }

  /** Drops removed cars (after_step). */
  afterStep(): void {
    if (this.cars.some((c) => c.removed)) this.cars = this.cars.filter((c) => !c.removed);
  }

  private collect(ego: EgoView): void {
    const seen = this.seen;
    const net = this.network;
    seen.n = 0;
    for (let i = 0; i < this.cars.length; i++) {
      const c = this.cars[i];
      if (c.removed) continue;
      const v = c.vehicle;
      seen.push(v.x, v.y, v.speed, v.heading, c.lane, net.roadOf(c.lane), c.s, c.lat, i);
    }
    seen.push(ego.x, ego.y, ego.speed, ego.heading, ego.lane, net.roadOf(ego.lane), ego.s, ego.lat, -1);
    for (let i = 0; i < this.objects.length; i++) {
      const o = this.objects[i];
      seen.push(o.x, o.y, 0, o.heading, o.lane, net.roadOf(o.lane), o.s, this.objectLat[i], -1);
    }
  }

  /** Updates s/lat on the car's lane; moves on to the next lane at the end, or removes the car. */
  private localise(car: TrafficCar): void {
    const v = car.vehicle;
    const lc = this.lc;
    for (let guard = 0; guard < 4; guard++) {
      if (car.target !== car.lane) {
        car.target.local(v.x, v.y, lc);
        // Lane change done once the centre is inside the target lane.
        if (Math.abs(lc.lat) < car.target.width / 2) {
          car.lane = car.target;
          car.creep = false;
        }
      }
      car.lane.local(v.x, v.y, lc);
      car.s = lc.s;
      car.lat = lc.lat;
      if (lc.s <= car.lane.length) break;
      const next = car.next ?? this.chooseNext(car.lane);
      if (!next) {
        car.removed = true;
        return;
      }
      car.lane = next;
      car.target = next;
      car.next = null;
    }
    if (!car.next) car.next = this.chooseNext(car.target);
  }

  private chooseNext(lane: Lane): Lane | null {
    const options = this.network.next(lane);
    if (options.length === 0) return null;
    return options.length === 1 ? options[0] : options[this.rng.int(0, options.length)];
  }

  /**
   * Entity k's (s, lat) on `lane` if it is on the same road (parallel/concentric lanes), written
   * to this.lc; false otherwise.
   */
  private onRoadOf(k: number, lane: Lane, road: Road): boolean {
    const seen = this.seen;
    if (seen.road[k] !== road) return false;
    const own = seen.lane[k];
    this.lc.s = (seen.s[k] * lane.length) / own.length;
    this.lc.lat = seen.lat[k] + (own.index - lane.index) * lane.width;
    return true;
  }

  /**
   * The closest entity ahead within 30 m on `lane` or its continuation: centre-to-centre distance
   * along the lane and its speed along our heading, into frontDistance / frontSpeed.
   */
  private front(car: TrafficCar, self: number, lane: Lane): void {
    const seen = this.seen;
    const lc = this.lc;
    const road = this.network.roadOf(lane);
    lane.local(car.vehicle.x, car.vehicle.y, lc);
    const s0 = lc.s;
    const next = lane === car.target ? car.next : (this.network.next(lane)[0] ?? null);
    const nextRoad = next ? this.network.roadOf(next) : null;
    const vx = car.vehicle.x;
    const vy = car.vehicle.y;
    let best = Infinity;
    let speed = 0;
    for (let k = 0; k < seen.n; k++) {
      if (seen.car[k] === self) continue;
      const dx = seen.x[k] - vx;
      const dy = seen.y[k] - vy;
      if (dx * dx + dy * dy > SEARCH_RADIUS * SEARCH_RADIUS) continue;
      let d = Infinity;
      if (this.onRoadOf(k, lane, road)) {
        if (Math.abs(lc.lat) < lane.width / 2 && lc.s > s0) d = lc.s - s0;
      } else if (next && nextRoad && this.onRoadOf(k, next, nextRoad)) {
        if (Math.abs(lc.lat) < next.width / 2) d = lane.length - s0 + lc.s;
      }
      if (d > 0 && d <= FRONT_RANGE && d < best) {
        best = d;
        speed = seen.speed[k] * Math.cos(seen.heading[k] - car.vehicle.heading);
      }
    }
    this.frontDistance = best;
    this.frontSpeed = speed;
  }

  /** Gaps behind and ahead of the car's position projected on another lane of its road. */
  private gaps(car: TrafficCar, self: number, lane: Lane): void {
    const seen = this.seen;
    const lc = this.lc;
    const road = this.network.roadOf(lane);
    const s0 = (car.s * lane.length) / car.lane.length;
    let rear = Infinity;
    let front = Infinity;
    let frontSpeed = 100 / 3.6;
    for (let k = 0; k < seen.n; k++) {
      if (seen.car[k] === self) continue;
      if (!this.onRoadOf(k, lane, road)) continue;
      if (Math.abs(lc.lat) >= lane.width / 2) continue;
      const d = lc.s - s0;
      if (d >= 0 && d < front) {
        front = d;
        frontSpeed = seen.speed[k];
      } else if (d < 0 && -d < rear) rear = -d;
    }
    this.gapRear = rear;
    this.gapFront = front;
    this.gapFrontSpeed = frontSpeed;
  }

  /** MetaDrive's simple rule: mandatory merges where a lane ends, otherwise occasional overtaking. */
  private maybeChangeLane(car: TrafficCar, self: number): void {
    car.overtakeTimer++;
    if (car.target !== car.lane) return;
    const net = this.network;
    const road = net.roadOf(car.lane);
    const idx = car.lane.index;
    const continues = net.successors(road.to).length > 0;
    // Mandatory: this lane has no continuation but the road goes on (e.g. an on-ramp's extra lane).
    if (net.next(car.lane).length === 0 && idx > 0 && continues) {
      const left = road.lanes[idx - 1];
      this.gaps(car, self, left);
      if (this.gapRear < SAFE_REAR_GAP || this.gapFront < SAFE_FRONT_GAP) car.creep = true;
      else this.startChange(car, left);
      return;
    }
    if (car.overtakeTimer <= OVERTAKE_TIMER) return;
    const vKmh = car.vehicle.speed * 3.6;
    if (Math.abs(vKmh - NORMAL_SPEED) <= 3) return;
    this.front(car, self, car.lane);
    if (this.frontDistance === Infinity) return;
    const frontKmh = this.frontSpeed * 3.6;
    if (Math.abs(frontKmh - NORMAL_SPEED) <= 3) return;
    for (const k of [idx - 1, idx + 1]) {
      if (k < 0 || k >= road.lanes.length) continue;
      const lane = road.lanes[k];
      if (net.next(lane).length === 0 && continues) continue;
      this.gaps(car, self, lane);
      if (this.gapRear < SAFE_REAR_GAP || this.gapFront < SAFE_FRONT_GAP) continue;
      const adjacent = this.gapFront === Infinity ? 100 : this.gapFrontSpeed * 3.6;
      if (adjacent - frontKmh > 10) {
        this.startChange(car, lane);
        car.overtakeTimer = 0;
        return;
      }
    }
  }

  private startChange(car: TrafficCar, lane: Lane): void {
    car.target = lane;
    car.next = this.chooseNext(lane);
    car.resetPid();
  }
}
