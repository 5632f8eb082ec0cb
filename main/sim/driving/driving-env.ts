// The driving environment: MetaDrive's SafeMetaDriveEnv as used by PVP/AIM (human-in-the-loop
// variant). One decision = 5 physics sub-steps of 0.02 s. Crashes cost and give −5 but do not end
// the episode; leaving the road or the route ends it; arriving within ±5 m of the final road's end
// is success. Pure and deterministic for a seed.
import type { Actor, RoadScene } from '../../contract/scene.ts';
import {
  clipBoxAction,
  type EgoState,
  type Env,
  type EnvSpec,
  type StepInfo,
  type StepResult,
} from '../env.ts';
import { Rng } from '../random.ts';
import { resolveConfig, type DrivingConfig } from './config.ts';
import {
  boxCircleOverlap,
  boxQuadOverlap,
  boxesOverlap,
  wrapAngle,
  type Box,
  type Push,
} from './geometry.ts';
import type { Lane, LocalCoord } from './lane.ts';
import { LIDAR_RAYS, castLidar, type LidarTarget } from './lidar.ts';
import { generateMap, type DrivingMap } from './map.ts';
import { buildNavigation, type Navigation } from './navigation.ts';
import { placeAccidents, type StaticObject } from './objects.ts';
import { LIDAR_OFFSET, OBS_DIM, writeEgoState, writeNavigation } from './observation.ts';
import type { LaneHit } from './road-network.ts';
import { buildMapScene, routePolyline } from './scene.ts';
import { TrafficManager, type EgoView } from './traffic.ts';
import { DECISION_REPEAT, DEFAULT_VEHICLE, PHYSICS_DT, Vehicle } from './vehicle.ts';

const ACTION_SPACE = { kind: 'box', dim: 2, low: -1, high: 1 } as const;
/** Spawn: 5 m into the first road, speed 0 (agent_manager.py). */
const SPAWN_S = 5;
const MAX_CACHED_MAPS = 256;

interface CachedMap {
  map: DrivingMap;
  scene: Omit<RoadScene, 'route'>;
}

/** Per-step outcome flags beyond StepInfo, kept for the expert and analytics. */
export interface DrivingStepFlags {
  crashSidewalk: boolean;
  onLane: boolean;
}

export class DrivingEnv implements Env {
  readonly spec: EnvSpec;
  readonly config: DrivingConfig;
  private readonly maps = new Map<number, CachedMap>();

  // Scenario state (set by reset).
  map!: DrivingMap;
  nav!: Navigation;
  readonly egoCar = new Vehicle(DEFAULT_VEHICLE);
  objects: StaticObject[] = [];
  readonly traffic = new TrafficManager();
  /** The lane the ego is localised on (kept when it leaves every lane). */
  lane!: Lane;
  private cached!: CachedMap;
  private routeLine: [number, number][] = [];
  seed = 0;
  private started = false;

  // Episode accumulators.
  episodeLength = 0;
  episodeReward = 0;
  episodeCost = 0;
  private readonly lastAction = [0, 0];
  private lastInfo: StepInfo | null = null;
  flags: DrivingStepFlags = { crashSidewalk: false, onLane: true };

  // Scratch buffers, reused so a step allocates only its observation.
  private readonly hits: LaneHit[] = [];
  private readonly lc: LocalCoord = { s: 0, lat: 0 };
  private readonly egoBox: Box = {
    x: 0,
    y: 0,
    heading: 0,
    halfLength: DEFAULT_VEHICLE.length / 2,
    halfWidth: DEFAULT_VEHICLE.width / 2,
  };
  private readonly otherBox: Box = { x: 0, y: 0, heading: 0, halfLength: 0, halfWidth: 0 };
  private readonly push: Push = { dx: 0, dy: 0 };
  private targets: LidarTarget[] = [];
  private egoView!: EgoView;
  private targetCars = -1;
  private readonly lidarDist = new Float64Array(LIDAR_RAYS);

  constructor(config?: Partial<DrivingConfig>) {
    this.config = resolveConfig(config);
    this.spec = {
      id: this.config.id,
      obsShape: [OBS_DIM],
      actionSpace: ACTION_SPACE,
      decisionHz: 1 / (PHYSICS_DT * DECISION_REPEAT),
      horizon: this.config.horizon,
    };
  }

  /** The scenario seed a requested seed maps to (folded into the scenario range when one is set). */
  scenarioSeed(seed: number): number {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be a whole number, got ${seed}`);
    const { startSeed, numScenarios } = this.config;
    if (numScenarios > 0)
      return startSeed + ((((seed - startSeed) % numScenarios) + numScenarios) % numScenarios);
    return seed;
  }

  /** Generates (or fetches from the cache) the map of a scenario seed. */
  mapFor(seed: number): CachedMap {
    let cached = this.maps.get(seed);
    if (!cached) {
      const map = generateMap(
        { map: this.config.map, lanes: this.config.lanes, laneWidth: this.config.laneWidth },
        seed,
      );
      cached = { map, scene: buildMapScene(map) };
      if (this.maps.size >= MAX_CACHED_MAPS) this.maps.delete(this.maps.keys().next().value as number);
      this.maps.set(seed, cached);
    }
    return cached;
  }

  reset(seed: number): Float32Array {
    const scenario = this.scenarioSeed(seed);
    this.seed = scenario;
    this.cached = this.mapFor(scenario);
    this.map = this.cached.map;
    const rng = new Rng(scenario ^ 0x2545f491);
    const blocks = this.map.blocks;
    // Spawn on the first road, lane drawn uniformly; destination = a random socket of the last block.
    const first = blocks[0].roads[0];
    const spawnLane = first.lanes[rng.int(0, first.lanes.length)];
    const last = blocks[blocks.length - 1];
    const dest = last.sockets[rng.int(0, last.sockets.length)];
    this.nav = buildNavigation(this.map.network, first.from, dest.to);
    const p = [0, 0];
    spawnLane.position(SPAWN_S, 0, p);
    this.egoCar.place(p[0], p[1], spawnLane.headingAt(SPAWN_S), 0);
    this.lane = spawnLane;
    this.egoView = { x: 0, y: 0, speed: 0, heading: 0, lane: spawnLane, s: 0, lat: 0 };
    this.nav.start();
    this.routeLine = routePolyline(this.nav, spawnLane.index);
    const accidents = placeAccidents(blocks, this.config.accidentProb, rng);
    this.objects = accidents.objects;
    this.traffic.reset(
      this.map.network,
      blocks,
      accidents.blockedLanes,
      this.objects,
      this.config.trafficDensity,
      rng,
    );
    this.targets = [];
    this.targetCars = -1;
    this.episodeLength = 0;
    this.episodeReward = 0;
    this.episodeCost = 0;
    this.lastAction[0] = 0;
    this.lastAction[1] = 0;
    this.lastInfo = null;
    this.flags = { crashSidewalk: false, onLane: true };
    this.started = true;
    this.triggerTraffic();
    return this.observe(0);
  }

  step(action: ArrayLike<number>): StepResult {
    if (!this.started) throw new Error('DrivingEnv.step called before reset');
    const a = clipBoxAction(action, ACTION_SPACE);
    const ego = this.egoCar;
    const prevHeading = ego.heading;
    const prevX = ego.x;
    const prevY = ego.y;
    // before_step: traffic policies decide, the agent's action goes to the wheels.
    this.egoView.x = ego.x;
    this.egoView.y = ego.y;
    this.egoView.speed = ego.speed;
    this.egoView.heading = ego.heading;
    this.egoView.lane = this.lane;
    const elc = this.lane.local(ego.x, ego.y, this.lc);
    this.egoView.s = elc.s;
    this.egoView.lat = elc.lat;
    this.traffic.beforeStep(this.egoView);
    ego.setControls(a[0], a[1]);
    let crashVehicle = false;
    let crashObject = false;
    for (let k = 0; k < DECISION_REPEAT; k++) {
      ego.integrate(PHYSICS_DT);
      this.traffic.integrate(PHYSICS_DT);
      const c = this.resolveCollisions();
      if (c & 1) crashVehicle = true;
      if (c & 2) crashObject = true;
    }
    this.lastAction[0] = a[0];
    this.lastAction[1] = a[1];
    // after_step: localisation, navigation, road checks, traffic triggers and removal.
    const onLane = this.localise();
    this.nav.update(this.lane, ego.x, ego.y);
    this.triggerTraffic();
    this.traffic.afterStep();
    const crashSidewalk = this.touchesSidewalk();
    const outOfRoute = this.outOfRoute();
    const arrive = this.arrived();
    const outOfRoad = !onLane || crashSidewalk || outOfRoute;
    this.flags = { crashSidewalk, onLane };
    this.episodeLength++;

    // Reward: terminal values replace the dense reward (first matching case wins).
    let reward: number;
    const cfg = this.config;
    if (arrive) reward = cfg.successReward;
    else if (outOfRoad) reward = -cfg.outOfRoadPenalty;
    else if (crashVehicle) reward = -cfg.crashVehiclePenalty;
    else if (crashObject) reward = -cfg.crashObjectPenalty;
    else reward = this.denseReward(prevX, prevY);
    const cost = outOfRoad || crashVehicle || crashObject ? 1 : 0;
    this.episodeReward += reward;
    this.episodeCost += cost;
    const terminated = arrive || outOfRoad;
    const maxStep = this.episodeLength >= cfg.horizon;
    const truncated = maxStep && !terminated;
    const info: StepInfo = {
      arriveDest: arrive,
      crashVehicle,
      crashObject,
      outOfRoad,
      outOfRoute,
      maxStep,
      cost,
      routeCompletion: this.nav.routeCompletion,
      region: this.map.blocks[this.map.network.roadOf(this.lane).block].name,
      episodeReward: this.episodeReward,
      episodeCost: this.episodeCost,
      episodeLength: this.episodeLength,
    };
    this.lastInfo = info;
    const obs = this.observe(wrapAngle(ego.heading - prevHeading));
    return { obs, reward, cost, terminated, truncated, info };
  }

  /** Δs along the current lane if it is a reference lane, else along reference lane 0 (signed). */
  private denseReward(prevX: number, prevY: number): number {
    const ego = this.egoCar;
    const road = this.nav.road;
    let lane: Lane;
    let sign = 1;
    if (road.lanes.includes(this.lane)) lane = this.lane;
    else {
      lane = road.lanes[0];
      sign = road.negative ? -1 : 1;
    }
    const sPrev = lane.local(prevX, prevY, this.lc).s;
    const sNow = lane.local(ego.x, ego.y, this.lc).s;
    const kmh = ego.speed * 3.6;
    return this.config.drivingReward * (sNow - sPrev) * sign + this.config.speedReward * (kmh / 80) * sign;
  }

  /** Resolves ego contacts of one sub-step: push out, stop. Bit 1 = vehicle, bit 2 = new object contact. */
  private resolveCollisions(): number {
    const ego = this.egoCar;
    const box = this.egoBox;
    let result = 0;
    for (let pass = 0; pass < 2; pass++) {
      box.x = ego.x;
      box.y = ego.y;
      box.heading = ego.heading;
      let moved = false;
      for (const o of this.objects) {
        const dx = o.x - ego.x;
        const dy = o.y - ego.y;
        if (dx * dx + dy * dy > 64) continue;
        let hit: boolean;
        if (o.radius > 0) hit = boxCircleOverlap(box, o.x, o.y, o.radius, this.push);
        else {
          const ob = this.otherBox;
          ob.x = o.x;
          ob.y = o.y;
          ob.heading = o.heading;
          ob.halfLength = o.halfLength;
          ob.halfWidth = o.halfWidth;
          hit = boxesOverlap(box, ob, this.push);
        }
        if (!hit) continue;
        if (o.kind === 'car') result |= 1;
        else if (!o.hit) {
          o.hit = true;
          result |= 2;
        }
        this.pushEgo();
        moved = true;
        break;
      }
      if (!moved) {
        for (const car of this.traffic.cars) {
          const v = car.vehicle;
          const dx = v.x - ego.x;
          const dy = v.y - ego.y;
          if (dx * dx + dy * dy > 64) continue;
          const ob = this.otherBox;
          ob.x = v.x;
          ob.y = v.y;
          ob.heading = v.heading;
          ob.halfLength = v.halfLength;
          ob.halfWidth = v.halfWidth;
          if (!boxesOverlap(box, ob, this.push)) continue;
          result |= 1;
          this.pushEgo();
          moved = true;
          break;
        }
      }
      if (!moved) break;
    }
    return result;
  }

  /** Contact response: no rebound; the ego is moved out of the overlap and stops. */
  private pushEgo(): void {
    const ego = this.egoCar;
    const len = Math.hypot(this.push.dx, this.push.dy) || 1;
    ego.x += this.push.dx + (this.push.dx / len) * 0.01;
    ego.y += this.push.dy + (this.push.dy / len) * 0.01;
    ego.speed = 0;
  }

  /**
   * Finds the lanes under the ego centre; prefers the current and next route roads, then the lane
   * it was on, then the best-centred lane. Returns whether the centre is on any lane.
   */
  private localise(): boolean {
    const ego = this.egoCar;
    const n = this.map.network.lanesAt(ego.x, ego.y, this.hits);
    if (n === 0) return false;
    let best: Lane | null = null;
    let bestScore = Infinity;
    for (let i = 0; i < n; i++) {
      const h = this.hits[i];
      const road = this.map.network.roadOf(h.lane);
      let score = Math.abs(h.lat);
      if (road === this.nav.road) score -= 100;
      else if (road === this.nav.nextRoad) score -= 50;
      if (h.lane === this.lane) score -= 10;
      if (score < bestScore) {
        bestScore = score;
        best = h.lane;
      }
    }
    this.lane = best as Lane;
    return true;
  }

  private touchesSidewalk(): boolean {
    const ego = this.egoCar;
    const box = this.egoBox;
    box.x = ego.x;
    box.y = ego.y;
    box.heading = ego.heading;
    const near = this.map.sidewalksNear(ego.x, ego.y);
    for (let i = 0; i < near.length; i++)
      if (boxQuadOverlap(box, this.map.sidewalkQuads, near[i] * 8)) return true;
    return false;
  }

  /** The centre lies outside [left edge, right edge] of the reference road. */
  private outOfRoute(): boolean {
    const road = this.nav.road;
    const lane0 = road.lanes[0];
    const lat = lane0.local(this.egoCar.x, this.egoCar.y, this.lc).lat;
    const dLeft = lat + lane0.width / 2;
    const dRight = road.lanes.length * lane0.width - dLeft;
    return dLeft < 0 || dRight < 0;
  }

  /** Within ±5 m of the end of the final road, anywhere across it. */
  private arrived(): boolean {
    const road = this.nav.finalRoad;
    const lane = road.lanes[road.lanes.length - 1];
    const { s, lat } = lane.local(this.egoCar.x, this.egoCar.y, this.lc);
    const n = road.lanes.length;
    return (
      s > lane.length - 5 && s < lane.length + 5 && lat <= lane.width / 2 && lat >= (0.5 - n) * lane.width
    );
  }

  private triggerTraffic(): void {
    const egoRoad = this.map.network.roadOf(this.lane);
    const nav = this.nav;
    this.traffic.trigger(egoRoad, (key) => {
      for (let i = 0; i <= nav.current; i++)
        if (`${nav.roads[i].from}>${nav.roads[i].to}` === key) return true;
      return false;
    });
  }

  private observe(headingChange: number): Float32Array {
    const ego = this.egoCar;
    const out = new Float32Array(OBS_DIM);
    const road = this.nav.road;
    const lane0 = road.lanes[0];
    const refLateral = lane0.local(ego.x, ego.y, this.lc).lat;
    const right = road.lanes[road.lanes.length - 1];
    const refHeading = right.headingAt(right.local(ego.x, ego.y, this.lc).s);
    const laneLateral = this.lane.local(ego.x, ego.y, this.lc).lat;
    writeEgoState(
      out,
      {
        x: ego.x,
        y: ego.y,
        heading: ego.heading,
        speed: ego.speed,
        steering: ego.steering,
        action0: this.lastAction[0],
        action1: this.lastAction[1],
        headingChange,
        refLateral,
        laneLateral,
        refHeading,
      },
      road,
    );
    writeNavigation(out, this.nav, ego.x, ego.y, ego.heading);
    if (this.config.lidar) {
      const count = this.collectTargets();
      castLidar(ego.x, ego.y, ego.heading, this.targets, count, out, LIDAR_OFFSET, this.lidarDist);
    } else out.fill(1, LIDAR_OFFSET);
    return out;
  }

  /**
   * Lidar targets: traffic cars then static objects (the ego's own body is never a target). The
   * objects' entries are written once per episode; only the cars' change per step.
   */
  private collectTargets(): number {
    const cars = this.traffic.cars;
    const need = cars.length + this.objects.length;
    if (this.targetCars !== cars.length || this.targets.length < need) {
      this.targets.length = 0;
      for (let i = 0; i < need; i++)
        this.targets.push({ x: 0, y: 0, heading: 0, halfLength: 0, halfWidth: 0, radius: 0 });
      for (let i = 0; i < this.objects.length; i++) {
        const o = this.objects[i];
        const t = this.targets[cars.length + i];
        t.x = o.x;
        t.y = o.y;
        t.heading = o.heading;
        t.halfLength = o.halfLength;
        t.halfWidth = o.halfWidth;
        t.radius = o.radius;
      }
      this.targetCars = cars.length;
    }
    for (let i = 0; i < cars.length; i++) {
      const v = cars[i].vehicle;
      const t = this.targets[i];
      t.x = v.x;
      t.y = v.y;
      t.heading = v.heading;
      t.halfLength = v.halfLength;
      t.halfWidth = v.halfWidth;
    }
    return need;
  }

  scene(): RoadScene {
    if (!this.started) throw new Error('DrivingEnv.scene called before reset');
    return { ...this.cached.scene, route: this.routeLine };
  }

  ego(): EgoState {
    const e = this.egoCar;
    return { x: e.x, y: e.y, heading: wrapAngle(e.heading), speed: e.speed };
  }

  actors(): Actor[] {
    const out: Actor[] = [];
    for (const car of this.traffic.cars) {
      const v = car.vehicle;
      out.push({
        kind: 'vehicle',
        x: v.x,
        y: v.y,
        heading: wrapAngle(v.heading),
        length: v.type.length,
        width: v.type.width,
        state: 0,
      });
    }
    for (const o of this.objects) {
      if (o.kind === 'car')
        out.push({
          kind: 'vehicle',
          x: o.x,
          y: o.y,
          heading: o.heading,
          length: o.halfLength * 2,
          width: o.halfWidth * 2,
          state: 1,
        });
      // Cones are drawn 0.8 m wide top-down (MetaDrive's renderer); collisions use r = 0.2 m.
      else if (o.kind === 'cone')
        out.push({ kind: 'cone', x: o.x, y: o.y, heading: o.heading, length: 0.8, width: 0.8, state: 0 });
      else if (o.kind === 'triangle')
        out.push({ kind: 'triangle', x: o.x, y: o.y, heading: o.heading, length: 1, width: 1, state: 0 });
      else
        out.push({
          kind: 'barrier',
          x: o.x,
          y: o.y,
          heading: o.heading,
          length: o.halfLength * 2,
          width: o.halfWidth * 2,
          state: 0,
        });
    }
    return out;
  }

  /** The last step's info, or null right after reset. */
  info(): StepInfo | null {
    return this.lastInfo;
  }
}
