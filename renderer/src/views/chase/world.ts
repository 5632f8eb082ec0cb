// The chase camera's three.js world, built from a RoadScene once per scenario: road surfaces,
// raised sidewalks, painted lines (yellow centre, white solid and 1.5 m dashes), the route, and a
// ground plane; then per display frame the ego, traffic and traffic objects (instanced: one draw
// call per kind) and the markers for the next checkpoints and the destination. Everything built
// here is released by dispose(): a new scenario never leaks GPU memory.
import type { Material, Object3D } from 'three';
import {
  BoxGeometry,
  BufferAttribute,
  BufferGeometry,
  Color,
  ConeGeometry,
  DynamicDrawUsage,
  ExtrudeGeometry,
  Group,
  InstancedMesh,
  Line,
  LineBasicMaterial,
  Matrix4,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  PlaneGeometry,
  Quaternion,
  Shape,
  ShapeGeometry,
  Vector2,
  Vector3,
} from 'three';
import { mergeGeometries } from 'three/addons/utils/BufferGeometryUtils.js';
import type { Actor, ActorKind, RoadScene } from '../../../../main/contract/scene.ts';
import {
  checkpointsAhead,
  dashes,
  indexPolyline,
  projectOnto,
  type Point,
  type RouteIndex,
} from '../route.ts';
import { appendRibbon, emptyTriangles, type TriangleData } from './ribbon.ts';
import { EGO_COLOR, TRAFFIC_PALETTE, worldColors } from '../theme.ts';
import type { ThemeName } from '../../state/prefs.ts';

/** Painted lines: 0.15 m wide; 3-D dashes are 1.5 m (environments.md §i), one every 5 m as in 2-D. */
const LINE_WIDTH = 0.15;
const DASH = 1.5;
const DASH_PERIOD = 5;
const SIDEWALK_HEIGHT = 0.15;
const ROUTE_WIDTH = 0.7;
/** Checkpoint boxes are 1.2 m high (MetaDrive), drawn 1.5 m square. */
const CHECKPOINT = { size: 1.5, height: 1.2 };
/** Lines to the next checkpoints run 0.6 m above the road. */
const GUIDE_HEIGHT = 0.6;

const MAX_INSTANCES: Record<'vehicle' | 'cone' | 'triangle' | 'barrier', number> = {
  vehicle: 128,
  cone: 256,
  triangle: 64,
  barrier: 256,
};

/** The default car the vehicle geometry is built at; instances are scaled to their own size. */
const CAR = { length: 4.5, width: 1.8 };

function geometryFrom(data: TriangleData): BufferGeometry {
  const g = new BufferGeometry();
  g.setAttribute('position', new BufferAttribute(new Float32Array(data.positions), 3));
  g.setIndex(data.indices);
  g.computeVertexNormals();
  return g;
}

function shapeOf(polygon: readonly Point[]): Shape | null {
  if (polygon.length < 3) return null;
  return new Shape(polygon.map(([x, y]) => new Vector2(x, y)));
}

/** Merges and disposes the parts (null when there are none). */
function merged(parts: BufferGeometry[]): BufferGeometry | null {
  if (parts.length === 0) return null;
  const out = mergeGeometries(parts, false);
  for (const p of parts) p.dispose();
  return out;
}

/** A car: a coloured body (white vertices, tinted per instance) and a dark glass cabin. */
export function carGeometry(): BufferGeometry {
  const body = new BoxGeometry(CAR.length, CAR.width, 0.68).translate(0, 0, 0.22 + 0.34).toNonIndexed();
  const cabin = new BoxGeometry(CAR.length * 0.5, CAR.width * 0.86, 0.5)
    .translate(-0.25, 0, 0.9 + 0.25)
    .toNonIndexed();
  const paint = (g: BufferGeometry, rgb: [number, number, number]) => {
    const n = g.getAttribute('position').count;
    const colours = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) colours.set(rgb, i * 3);
    g.setAttribute('color', new BufferAttribute(colours, 3));
    return g;
  };
  const out = mergeGeometries([paint(body, [1, 1, 1]), paint(cabin, [0.34, 0.4, 0.46])], false);
  body.dispose();
  cabin.dispose();
  return out;
}

function triangleGeometry(): BufferGeometry {
  const r = 0.35;
  const shape = new Shape();
  shape.moveTo(-r, 0);
  shape.lineTo(r, 0);
  shape.lineTo(0, r * 1.7);
  shape.closePath();
  // Standing up, facing along +x (the object's heading).
  return new ExtrudeGeometry(shape, { depth: 0.04, bevelEnabled: false })
    .rotateX(Math.PI / 2)
    .rotateZ(Math.PI / 2);
}

export interface RoadWorld {
  group: Group;
  route: RouteIndex;
  bounds: RoadScene['bounds'];
  dispose(): void;
}

/** The static road of a scene. */
export function buildRoad(scene: RoadScene, theme: ThemeName): RoadWorld {
  const colours = worldColors(theme);
  const group = new Group();
  group.name = 'road';
  const add = (geometry: BufferGeometry | null, material: Material, name: string, order = 0) => {
    if (geometry === null) {
      material.dispose();
      return;
    }
    const mesh = new Mesh(geometry, material);
    mesh.name = name;
    mesh.renderOrder = order;
    mesh.matrixAutoUpdate = false;
    group.add(mesh);
  };

  const { minX, minY, maxX, maxY } = scene.bounds;
  const margin = 600;
  const ground = new PlaneGeometry(maxX - minX + 2 * margin, maxY - minY + 2 * margin).translate(
    (minX + maxX) / 2,
    (minY + maxY) / 2,
    -0.03,
  );
  // Flat ground, road and lines are unlit (their lighting would be one constant anyway): cheaper per
  // pixel, which is what software WebGL is bound by. The ground is drawn after the road, so the
  // depth test discards it under the road.
  add(ground, new MeshBasicMaterial({ color: colours.ground }), 'ground', 2);

  const roads: BufferGeometry[] = [];
  const sidewalks: BufferGeometry[] = [];
  for (const surface of scene.surfaces) {
    const shape = shapeOf(surface.polygon);
    if (shape === null) continue;
    if (surface.kind === 'road') roads.push(new ShapeGeometry(shape));
    else sidewalks.push(new ExtrudeGeometry(shape, { depth: SIDEWALK_HEIGHT, bevelEnabled: false }));
  }
  add(merged(roads), new MeshBasicMaterial({ color: colours.road }), 'road-surface');
  add(merged(sidewalks), new MeshLambertMaterial({ color: colours.sidewalk }), 'sidewalks');

  const yellow = emptyTriangles();
  const white = emptyTriangles();
  for (const marking of scene.markings) {
    const out = marking.color === 'yellow' ? yellow : white;
    const pieces = marking.dashed ? dashes(marking.points, DASH, DASH_PERIOD) : [marking.points];
    for (const piece of pieces) appendRibbon(out, piece, LINE_WIDTH, 0.02);
  }
  const lineMaterial = (color: string) =>
    new MeshBasicMaterial({ color, polygonOffset: true, polygonOffsetFactor: -2, polygonOffsetUnits: -2 });
  if (yellow.indices.length > 0) add(geometryFrom(yellow), lineMaterial(colours.yellow), 'yellow-lines', 1);
  if (white.indices.length > 0) add(geometryFrom(white), lineMaterial(colours.white), 'white-lines', 1);

  const routeData = emptyTriangles();
  appendRibbon(routeData, scene.route, ROUTE_WIDTH, 0.03);
  if (routeData.indices.length > 0)
    add(
      geometryFrom(routeData),
      new MeshBasicMaterial({
        color: colours.route,
        transparent: true,
        opacity: 0.28,
        depthWrite: false,
        polygonOffset: true,
        polygonOffsetFactor: -4,
        polygonOffsetUnits: -4,
      }),
      'route',
      2,
    );
  for (const child of group.children) child.updateMatrix();

  return {
    group,
    route: indexPolyline(scene.route),
    bounds: scene.bounds,
    dispose: () => disposeTree(group),
  };
}

/** Releases every geometry and material under root. */
export function disposeTree(root: Object3D): void {
  root.traverse((node) => {
    const mesh = node as Partial<Mesh>;
    mesh.geometry?.dispose();
    const material = mesh.material;
    if (Array.isArray(material)) material.forEach((m) => m.dispose());
    else (material as Material | undefined)?.dispose();
    if (node instanceof InstancedMesh) node.dispose();
  });
  root.removeFromParent();
}

const scratch = {
  matrix: new Matrix4(),
  position: new Vector3(),
  scale: new Vector3(),
  quaternion: new Quaternion(),
  axis: new Vector3(0, 0, 1),
  colour: new Color(),
};

function compose(
  x: number,
  y: number,
  z: number,
  heading: number,
  sx: number,
  sy: number,
  sz: number,
): Matrix4 {
  scratch.position.set(x, y, z);
  scratch.quaternion.setFromAxisAngle(scratch.axis, heading);
  scratch.scale.set(sx, sy, sz);
  return scratch.matrix.compose(scratch.position, scratch.quaternion, scratch.scale);
}

type InstancedKind = 'vehicle' | 'cone' | 'triangle' | 'barrier';

/** The things that move or are placed each frame: ego, traffic, objects, markers. */
export class DynamicLayer {
  readonly group = new Group();
  readonly ego: Mesh;
  private readonly instanced: Record<InstancedKind, InstancedMesh>;
  private readonly checkpoints: Mesh[];
  private readonly destination: Mesh;
  private readonly guides: Line;
  private readonly guidePositions: Float32Array;
  private readonly brokenColour: Color;

  constructor(theme: ThemeName) {
    const colours = worldColors(theme);
    this.group.name = 'dynamic';
    const car = carGeometry();
    this.ego = new Mesh(car, new MeshLambertMaterial({ color: EGO_COLOR, vertexColors: true }));
    this.ego.name = 'ego';
    this.group.add(this.ego);

    const make = (kind: InstancedKind, geometry: BufferGeometry, material: Material) => {
      const mesh = new InstancedMesh(geometry, material, MAX_INSTANCES[kind]);
      mesh.name = kind;
      mesh.count = 0;
      mesh.instanceMatrix.setUsage(DynamicDrawUsage);
      mesh.frustumCulled = false;
      this.group.add(mesh);
      return mesh;
    };
    this.instanced = {
      vehicle: make('vehicle', car.clone(), new MeshLambertMaterial({ vertexColors: true })),
      cone: make(
        'cone',
        new ConeGeometry(0.22, 0.7, 12).rotateX(Math.PI / 2).translate(0, 0, 0.35),
        new MeshLambertMaterial({ color: colours.cone }),
      ),
      triangle: make('triangle', triangleGeometry(), new MeshLambertMaterial({ color: colours.triangle })),
      barrier: make(
        'barrier',
        new BoxGeometry(1, 1, 1).translate(0, 0, 0.5),
        new MeshLambertMaterial({ color: colours.barrier }),
      ),
    };
    // Colours per vehicle instance: set once so the attribute exists.
    this.instanced.vehicle.setColorAt(0, new Color(TRAFFIC_PALETTE[0]));
    this.brokenColour = new Color(colours.broken);

    const box = new BoxGeometry(CHECKPOINT.size, CHECKPOINT.size, CHECKPOINT.height).translate(
      0,
      0,
      CHECKPOINT.height / 2,
    );
    const marker = (color: string, opacity: number, name: string) => {
      const mesh = new Mesh(
        box,
        new MeshBasicMaterial({ color, transparent: true, opacity, depthWrite: false }),
      );
      mesh.name = name;
      mesh.visible = false;
      mesh.renderOrder = 3;
      this.group.add(mesh);
      return mesh;
    };
    // MetaDrive's checkpoint boxes: the ego colour at alpha 0.7 and 0.5.
    this.checkpoints = [marker(EGO_COLOR, 0.7, 'checkpoint-1'), marker(EGO_COLOR, 0.5, 'checkpoint-2')];
    this.destination = marker(colours.destination, 0.6, 'destination');
    this.guidePositions = new Float32Array(3 * 4);
    const guideGeometry = new BufferGeometry();
    guideGeometry.setAttribute(
      'position',
      new BufferAttribute(this.guidePositions, 3).setUsage(DynamicDrawUsage),
    );
    this.guides = new Line(
      guideGeometry,
      new LineBasicMaterial({ color: EGO_COLOR, transparent: true, opacity: 0.8 }),
    );
    this.guides.name = 'guides';
    this.guides.frustumCulled = false;
    this.group.add(this.guides);
  }

  setEgo(x: number, y: number, heading: number, length: number, width: number): void {
    this.ego.position.set(x, y, 0);
    this.ego.rotation.set(0, 0, heading);
    this.ego.scale.set(length / CAR.length, width / CAR.width, 1);
  }

  setActors(actors: readonly Actor[]): void {
    const counts: Record<InstancedKind, number> = { vehicle: 0, cone: 0, triangle: 0, barrier: 0 };
    for (let i = 0; i < actors.length; i++) {
      const a = actors[i];
      const kind = a.kind as ActorKind;
      if (kind !== 'vehicle' && kind !== 'cone' && kind !== 'triangle' && kind !== 'barrier') continue;
      const mesh = this.instanced[kind];
      const slot = counts[kind];
      if (slot >= MAX_INSTANCES[kind]) continue;
      counts[kind]++;
      switch (kind) {
        case 'vehicle':
          mesh.setMatrixAt(
            slot,
            compose(
              a.x,
              a.y,
              0,
              a.heading,
              (a.length || CAR.length) / CAR.length,
              (a.width || CAR.width) / CAR.width,
              1,
            ),
          );
          mesh.setColorAt(
            slot,
            a.state === 1
              ? this.brokenColour
              : scratch.colour.set(TRAFFIC_PALETTE[i % TRAFFIC_PALETTE.length]),
          );
          break;
        case 'barrier':
          mesh.setMatrixAt(slot, compose(a.x, a.y, 0, a.heading, a.length || 2, Math.max(a.width, 0.3), 1));
          break;
        default:
          mesh.setMatrixAt(slot, compose(a.x, a.y, 0, a.heading, 1, 1, 1));
      }
    }
    for (const kind of Object.keys(counts) as InstancedKind[]) {
      const mesh = this.instanced[kind];
      mesh.count = counts[kind];
      mesh.instanceMatrix.needsUpdate = true;
      if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    }
  }

  /** Places the next two checkpoints and the destination, with guide lines from the ego. */
  setRoute(route: RouteIndex | null, ego: { x: number; y: number }): void {
    const hide = () => {
      for (const m of [...this.checkpoints, this.destination]) m.visible = false;
      this.guides.visible = false;
    };
    if (route === null || route.points.length < 2) return hide();
    const { s } = projectOnto(route, ego.x, ego.y);
    const { next, destination } = checkpointsAhead(route, s, 2);
    this.checkpoints.forEach((mesh, i) => {
      const p = next[i];
      mesh.visible = p !== undefined;
      if (p) mesh.position.set(p.x, p.y, 0);
    });
    this.destination.visible = destination !== null;
    if (destination) this.destination.position.set(destination.x, destination.y, 0);
    // Ego → first checkpoint (or the destination) → second.
    const targets = next.length > 0 ? next : destination ? [destination] : [];
    const pts = [ego, ...targets].slice(0, 3);
    this.guidePositions.fill(0);
    pts.forEach((p, i) => this.guidePositions.set([p.x, p.y, GUIDE_HEIGHT], i * 3));
    const attr = this.guides.geometry.getAttribute('position') as BufferAttribute;
    attr.needsUpdate = true;
    this.guides.geometry.setDrawRange(0, pts.length);
    this.guides.visible = pts.length > 1;
  }

  dispose(): void {
    disposeTree(this.group);
  }
}
