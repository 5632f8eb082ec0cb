// The scripted driving expert, the "simulated human" of the benchmarks. It is privileged: it reads
// the route, the lanes and every obstacle from the environment. Each decision it
//   1. projects obstacles (static objects, parked and moving traffic) onto the route,
//   2. picks a lane: the one with the longest free stretch ahead, with hysteresis and a gap check
//      before moving over,
//   3. steers with pure pursuit on the chosen lane's centre (from the rear axle),
//   4. sets speed IDM-style: a cruise speed, capped by the curvature ahead and by the distance to
//      the first obstacle on its planned path.
// Its stochastic action adds Gaussian noise with the paper's PPO-expert σ = (0.136, 0.458), clipped.
// It keeps no memory between decisions: every decision is a function of the environment's state,
// so a memoryless novice sees the same label whenever it is in the same place, whatever the
// expert did before (the lane hysteresis is relative to the lane the car is in, not to a
// remembered target lane, and there is no waiting timer).
import type { Env } from '../sim/env.ts';
import type { Rng } from '../sim/random.ts';
import { DrivingEnv } from '../sim/driving/driving-env.ts';
import { wrapAngle } from '../sim/driving/geometry.ts';
import { LIDAR_RANGE } from '../sim/driving/lidar.ts';
import type { Lane, LocalCoord } from '../sim/driving/lane.ts';
import type { Road } from '../sim/driving/road-network.ts';
import { BRAKE_DECEL, RESISTANCE } from '../sim/driving/vehicle.ts';
import type { Expert } from './expert.ts';

export interface DrivingExpertOptions {
  /** Standard deviation of the noise of `sample`, per action dimension. */
  sigma: [number, number];
  /** Cruise speed, km/h. */
  cruiseKmh: number;
  /** Comfortable lateral acceleration in bends, m/s². */
  lateralAccel: number;
  /** Planned deceleration for speed limits ahead, m/s². */
  plannedDecel: number;
}

export const DEFAULT_EXPERT_OPTIONS: DrivingExpertOptions = {
  sigma: [0.136, 0.458],
  cruiseKmh: 45,
  lateralAccel: 2.5,
  plannedDecel: 3.5,
};

/** An obstacle seen along the route: route distance of its centre and its lateral extent. */
interface RouteObstacle {
  d: number;
  latMin: number;
  latMax: number;
  halfLong: number;
  speed: number;
  moving: boolean;
  /**
   * For a predicted position of a traffic car crossing our path: the time (s) at which it will be
   * there. It blocks only if we would arrive within a second of that time. −1 for real positions.
   */
  at: number;
}

/**
 * How far the expert looks for obstacles: the lidar's range. Its labels then depend only on what the
 * novice's observation can show (MetaDrive's PPO expert acts on that same observation); reacting to
 * a cone 100 m ahead would teach the novice lane changes it has no input to explain.
 */
const SEE_AHEAD = LIDAR_RANGE;
/** Pure-pursuit lookahead: LD0 + LD_GAIN·v metres, at least LD_MIN. */
const LD0 = 2;
const LD_GAIN = 0.3;
const LD_MIN = 3;
/** A lane change is spread over max(LC_MIN, LC_GAIN·v) metres per lane width. */
const LC_GAIN = 1.5;
const LC_MIN = 6;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export class DrivingExpert implements Expert {
  readonly env: DrivingEnv;
  readonly options: DrivingExpertOptions;
  private cacheKey = '';
  private cached: Float64Array = new Float64Array(2);
  private readonly lc: LocalCoord = { s: 0, lat: 0 };
  private readonly p = [0, 0];

  constructor(env: DrivingEnv, options: Partial<DrivingExpertOptions> = {}) {
    this.env = env;
    this.options = { ...DEFAULT_EXPERT_OPTIONS, ...options };
  }

  reset(): void {
    this.cacheKey = '';
  }

  act(): Float64Array {
    const command = this.command();
    return command.map((v) => Math.max(-1, Math.min(1, v)));
  }

  /**
   * The steering and throttle the controller asks for before they are clipped to the action box —
   * the counterpart of a Gaussian policy's mean, which is unbounded too (the environment clips).
   * Decided once per environment state, so act/sample/logDensity agree within a step.
   */
  private command(): Float64Array {
    const env = this.env;
    const key = `${env.seed}:${env.episodeLength}:${env.egoCar.x}:${env.egoCar.y}`;
    if (key !== this.cacheKey) {
      this.cached = this.decide();
      this.cacheKey = key;
    }
    return Float64Array.from(this.cached);
  }

  /** Noise around the clipped action, so labels are as noisy at full throttle as anywhere else. */
  sample(rng: Rng): Float64Array {
    const mean = this.act();
    const out = new Float64Array(2);
    for (let i = 0; i < 2; i++)
      out[i] = Math.max(-1, Math.min(1, mean[i] + this.options.sigma[i] * rng.normal()));
    return out;
  }

  /**
   * Log-density of an action under the expert's Gaussian N(command, diag σ²), before clipping, as
   * PVP evaluates its PPO expert (aim-algorithm.md §11.4). The mean is the unclipped command: at a
   * standstill the controller wants far more than full throttle, so a novice that does not move is
   * unlikely under the expert (with the clipped mean, throttle 0 would be within 2.2 σ of it).
   */
  logDensity(action: ArrayLike<number>): number {
    const mean = this.command();
    let sum = 0;
    for (let i = 0; i < 2; i++) {
      const z = (action[i] - mean[i]) / this.options.sigma[i];
      sum += -0.5 * z * z - Math.log(this.options.sigma[i]) - LOG_SQRT_2PI;
    }
    return sum;
  }

  /** The route roads from the current reference road on. */
  private routeAhead(): Road[] {
    const nav = this.env.nav;
    return nav.roads.slice(nav.current, nav.current + 6);
  }

  private decide(): Float64Array {
    const env = this.env;
    const ego = env.egoCar;
    const roads = this.routeAhead();
    const w = env.map.laneWidth;
    const lanes = env.map.lanes;
    // Where the ego is along the route: the first road (current or next) whose lane-0 frame holds it.
    let start = 0;
    let s0 = roads[0].lanes[0].local(ego.x, ego.y, this.lc).s;
    let lat0 = this.lc.lat;
    if (s0 > roads[0].lanes[0].length && roads.length > 1) {
      const s1 = roads[1].lanes[0].local(ego.x, ego.y, this.lc).s;
      if (s1 >= -1) {
        start = 1;
        s0 = s1;
        lat0 = this.lc.lat;
      }
    }
    const path = roads.slice(start);
    const current = Math.max(0, Math.min(lanes - 1, Math.round(lat0 / w)));
    const v = ego.speed;
    const obstacles = this.obstacles(path, s0);
    const turn = this.preferredLane(path, s0, lanes);
    const lane = this.chooseLane(obstacles, lat0, current, lanes, w, v, turn.lane);

    // Pure pursuit from the rear axle towards a point `ld` ahead on the chosen lane.
    // Short lookahead in tight bends keeps the corner-cutting of pure pursuit well under a metre.
    let ld = Math.max(LD_MIN, Math.min(20, LD0 + LD_GAIN * v));
    for (let d = 0; d <= 15; d += 2.5) {
      const k = Math.abs(this.curvatureAt(path, lane, s0 + d));
      if (k > 1e-4) ld = Math.max(4, Math.min(ld, 0.35 / k));
    }
    // Lane changes follow a ramp over a distance that grows with speed instead of jumping to the
    // new lane centre, which would overshoot at speed; small errors are corrected directly.
    const goal = lane * w;
    const err = goal - lat0;
    const ramp = Math.abs(err) > 1.2 ? Math.max(LC_MIN, LC_GAIN * v) * (Math.abs(err) / w) : ld;
    const latAhead = lat0 + err * Math.min(1, ld / ramp);
    this.pointAhead(path, s0 + ld, latAhead, this.p);
    const lr = ego.type.lr;
    const rx = ego.x - lr * Math.cos(ego.heading);
    const ry = ego.y - lr * Math.sin(ego.heading);
    const dx = this.p[0] - rx;
    const dy = this.p[1] - ry;
    const alpha = wrapAngle(Math.atan2(dy, dx) - ego.heading);
    const dist = Math.max(1, Math.hypot(dx, dy));
    const kappa = (2 * Math.sin(alpha)) / dist;
    const delta = Math.atan(kappa * ego.wheelbase);
    const steer = delta / ((ego.type.maxSteerDeg * Math.PI) / 180);

    // Speed: cruise, bends ahead, obstacles on the planned path.
    const o = this.options;
    let vTarget = o.cruiseKmh / 3.6;
    const horizon = (v * v) / (2 * o.plannedDecel) + 25;
    for (let d = 0; d <= horizon; d += 2) {
      const k = Math.abs(this.curvatureAt(path, lane, s0 + d));
      if (k < 1e-4) continue;
      const vCurve = Math.sqrt(o.lateralAccel / k);
      vTarget = Math.min(vTarget, Math.sqrt(vCurve * vCurve + 2 * o.plannedDecel * Math.max(0, d - 3)));
    }
    // Obstacles on the planned path (the lane-change ramp, then the chosen lane): stop short of
    // standing ones; follow moving ones with IDM (s0 4 m, headway 1.2 s, a 2, b 3 m/s²).
    const egoHalf = ego.halfLength;
    const margin = ego.halfWidth + 0.45;
    const rampLen = Math.abs(err) > 1.2 ? ramp : 1;
    let accFollow = Infinity;
    for (const ob of obstacles) {
      if (ob.d + ob.halfLong < -egoHalf) continue;
      const planned = lat0 + err * Math.min(1, Math.max(0, ob.d) / rampLen);
      if (ob.latMax < planned - margin || ob.latMin > planned + margin) continue;
      const gap = ob.d - ob.halfLong - egoHalf;
      if (ob.at >= 0) {
        // A predicted crossing: yield if we would get there around the same time.
        const arrive = Math.max(0, gap) / Math.max(v, 1);
        if (Math.abs(arrive - ob.at) < 1.2)
          vTarget = Math.min(vTarget, Math.sqrt(2 * o.plannedDecel * Math.max(0, gap - 2)));
        continue;
      }
      if (!ob.moving || ob.speed < 0.5) {
        // Stop 6 m short, which leaves room to steer round it; when already that close and
        // moving over, creep so the manoeuvre cannot deadlock.
        let vStop = Math.sqrt(2 * o.plannedDecel * Math.max(0, gap - 6));
        if (lane !== current && Math.abs(err) > 1) vStop = Math.max(vStop, 1.2);
        vTarget = Math.min(vTarget, vStop);
      } else {
        const dv = v - ob.speed;
        const sStar = 4 + v * 1.2 + (v * dv) / (2 * Math.sqrt(6));
        const a = 2 * (1 - (Math.max(sStar, 0) / Math.max(gap, 0.1)) ** 2);
        accFollow = Math.min(accFollow, a);
      }
    }
    // Slow down before a turn until the move into the turning lane is under way: turning across a
    // lane that someone else drives straight on is how intersections go wrong, and the slower
    // approach lets traffic beside us pass so the move becomes safe. Within 3.5 m of the turn,
    // at a crawl, it turns from the lane it is in (still yielding to crossing traffic) rather than
    // wait: a wait needs a timer, which the novice's observation cannot show.
    if (
      turn.turnAt > 3.5 &&
      turn.turnAt < Infinity &&
      lane !== turn.lane &&
      Math.abs(turn.lane * w - lat0) > 1.2
    )
      vTarget = Math.min(vTarget, Math.sqrt(2 * o.plannedDecel * Math.max(0, turn.turnAt - 3)));
    // Acceleration command → throttle/brake through the vehicle model's inverse.
    const acc = Math.min(1.5 * (vTarget - v), accFollow);
    let throttle: number;
    if (acc >= 0) throttle = (acc + RESISTANCE) / ego.engineAccel;
    else throttle = v > 0.05 ? Math.min(0, (acc + RESISTANCE) / BRAKE_DECEL) : 0;
    return Float64Array.of(steer, throttle);
  }

  /** Static objects and traffic within sight, in route coordinates (lateral relative to lane 0). */
  private obstacles(path: Road[], s0: number): RouteObstacle[] {
    const env = this.env;
    const ego = env.egoCar;
    const out: RouteObstacle[] = [];
    const w = env.map.laneWidth;
    const add = (
      x: number,
      y: number,
      heading: number,
      hl: number,
      hw: number,
      radius: number,
      speed: number,
      moving: boolean,
      at = -1,
    ) => {
      if (Math.abs(x - ego.x) > SEE_AHEAD || Math.abs(y - ego.y) > SEE_AHEAD) return;
      let base = -s0;
      for (const road of path) {
        const lane0 = road.lanes[0];
        lane0.local(x, y, this.lc);
        const n = road.lanes.length;
        if (
          this.lc.s >= -2 &&
          this.lc.s <= lane0.length + 2 &&
          this.lc.lat > -w / 2 - 3 &&
          this.lc.lat < n * w - w / 2 + 3
        ) {
          const rel = heading - lane0.headingAt(Math.max(0, Math.min(lane0.length, this.lc.s)));
          const across = radius > 0 ? radius : Math.abs(Math.sin(rel)) * hl + Math.abs(Math.cos(rel)) * hw;
          const along = radius > 0 ? radius : Math.abs(Math.cos(rel)) * hl + Math.abs(Math.sin(rel)) * hw;
          out.push({
            d: base + this.lc.s,
            latMin: this.lc.lat - across,
            latMax: this.lc.lat + across,
            halfLong: along,
            speed,
            moving,
            at,
          });
          return;
        }
        base += lane0.length;
      }
    };
    for (const o of env.objects) add(o.x, o.y, o.heading, o.halfLength, o.halfWidth, o.radius, 0, false);
    const routeRoads = new Set(path);
    const p = [0, 0];
    for (const car of env.traffic.cars) {
      const v = car.vehicle;
      add(v.x, v.y, v.heading, v.halfLength, v.halfWidth, 0, v.speed, car.active);
      if (!car.active || v.speed < 1) continue;
      // Where a car off our roads (typically turning across an intersection) will be in the next
      // two seconds, following its own lane and the continuation it has chosen.
      if (routeRoads.has(env.map.network.roadOf(car.target))) continue;
      if (Math.abs(v.x - ego.x) > 40 || Math.abs(v.y - ego.y) > 40) continue;
      for (let t = 0.5; t <= 2; t += 0.5) {
        let s = car.s + v.speed * t;
        let lane = car.target;
        if (s > lane.length && car.next) {
          s -= lane.length;
          lane = car.next;
        }
        if (s > lane.length) break;
        lane.position(s, 0, p);
        add(p[0], p[1], lane.headingAt(s), v.halfLength, v.halfWidth, 0, 0, false, t);
      }
    }
    out.sort((a, b) => a.d - b.d);
    return out;
  }

  /**
   * The lane a careful driver would take: the right-most lane before a right turn and the
   * left-most before a left turn at an intersection within 70 m, otherwise the middle. Also
   * returns the distance to that turn (Infinity when none).
   */
  private preferredLane(path: Road[], s0: number, lanes: number): { lane: number; turnAt: number } {
    const blocks = this.env.map.blocks;
    let d = -s0;
    for (const road of path) {
      if (d > 70) break;
      const lane0 = road.lanes[0];
      const type = blocks[road.block].type;
      if (road.internal && (type === 'X' || type === 'T') && lane0.kind === 'circular') {
        return { lane: lane0.curvature < 0 ? lanes - 1 : 0, turnAt: d };
      }
      d += lane0.length;
    }
    return { lane: (lanes - 1) / 2, turnAt: Infinity };
  }

  /** The lane with the longest free stretch ahead; a move to it only when it pays and is safe. */
  private chooseLane(
    obstacles: RouteObstacle[],
    lat0: number,
    current: number,
    lanes: number,
    w: number,
    v: number,
    mid: number,
  ): number {
    const ego = this.env.egoCar;
    const margin = ego.halfWidth + 0.45;
    const free = (lane: number) => {
      const c = lane * w;
      for (const ob of obstacles) {
        if (ob.at >= 0 || ob.d + ob.halfLong < -ego.halfLength) continue;
        if (ob.latMax < c - margin || ob.latMin > c + margin) continue;
        const dist = ob.d - ob.halfLong - ego.halfLength;
        // A car moving at our speed or faster is no reason to leave the lane.
        if (ob.moving && ob.speed > v - 1) continue;
        return Math.max(0, dist) + (ob.moving ? 3 * ob.speed : 0);
      }
      return SEE_AHEAD;
    };
    const safe = (lane: number) => {
      // Nothing beside us (from 8 m behind to 10 m ahead) in the lanes we would cross.
      const lo = Math.min(lane * w, lat0) - margin;
      const hi = Math.max(lane * w, lat0) + margin;
      for (const ob of obstacles) {
        if (ob.at >= 0 || ob.d < -8 - ob.halfLong || ob.d > 10 + ob.halfLong + v) continue;
        // Standing things already behind our rear bumper cannot hit us while we move over.
        if (!ob.moving && ob.d + ob.halfLong < -ego.halfLength) continue;
        if (ob.latMax < lo || ob.latMin > hi) continue;
        // The one we avoid: ahead of us, in the lane we are leaving (or under us mid-move). Without
        // the lane test the move would be called off half-way, once we are a margin away from it.
        const centre = (ob.latMin + ob.latMax) / 2;
        if (ob.d > 0 && (Math.abs(centre - lat0) < margin || Math.abs(centre - current * w) < w / 2))
          continue;
        return false;
      }
      return true;
    };
    // Free stretch ahead, minus the cost of moving over and of driving next to the centre line or
    // the kerb (the middle lanes leave the most room for the noisy action's drift).
    // Hysteresis against the lane the car is in (which the lane-line and road-edge features show),
    // so a move half done continues for as long as it pays and a tie keeps the current lane.
    const score = (lane: number) => free(lane) - 4 * Math.abs(lane - current) - 15 * Math.abs(lane - mid);
    let best = current;
    let bestScore = score(best);
    for (let lane = 0; lane < lanes; lane++) {
      if (lane === current) continue;
      const sc = score(lane);
      if (sc > bestScore + 8 && safe(lane)) {
        best = lane;
        bestScore = sc;
      }
    }
    return best;
  }

  /** World point `s` metres (lane-0 length) from the start of path[0], `lat` right of lane 0's centre. */
  private pointAhead(path: Road[], s: number, lat: number, out: number[]): void {
    let rest = s;
    for (let j = 0; j < path.length; j++) {
      const lane0 = path[j].lanes[0];
      if (rest <= lane0.length || j === path.length - 1) {
        // Lanes of a road are parallel or concentric, so an offset from lane 0 is a point on lane i.
        lane0.position(Math.max(0, rest), lat, out);
        return;
      }
      rest -= lane0.length;
    }
  }

  private curvatureAt(path: Road[], index: number, s: number): number {
    let rest = s;
    for (let j = 0; j < path.length; j++) {
      const len = path[j].lanes[0].length;
      if (rest <= len || j === path.length - 1) return laneOf(path[j], index).curvature;
      rest -= len;
    }
    return 0;
  }
}

function laneOf(road: Road, index: number): Lane {
  return road.lanes[Math.min(index, road.lanes.length - 1)];
}

/** The expert for a driving environment created by createDrivingEnv or createToyEnv. */
export function createDrivingExpert(env: Env, options?: Partial<DrivingExpertOptions>): DrivingExpert {
  if (!(env instanceof DrivingEnv))
    throw new TypeError(`the driving expert needs a driving environment, got "${env.spec.id}"`);
  return new DrivingExpert(env, options);
}
