// The chase camera's renderer, the same in a worker (on an OffscreenCanvas, the usual case: WebGL
// then never blocks the page's main thread, where the takeover input is sampled) and on the page
// (the fallback). It keeps its own last two frames and the scene, builds the three.js world
// (world.ts) per scenario and frees the old one, places the camera (chase-camera.ts), lowers its
// resolution while frames are slow (resolution.ts), and draws only when something moved.
import {
  Color,
  DirectionalLight,
  Fog,
  HemisphereLight,
  PerspectiveCamera,
  Scene,
  WebGLRenderer,
} from 'three';
import { decodeFrame, FrameFormatError } from '../../../../main/contract/frame.ts';
import type { SceneEvent } from '../../../../main/contract/api.ts';
import type { ThemeName } from '../../state/prefs.ts';
import type { TimedFrame } from '../../state/live-store.ts';
import { interpolateFrames } from '../interpolate.ts';
import { ChaseRig, CHASE_DEFAULTS, verticalFovDeg } from './chase-camera.ts';
import { DynamicResolution } from './resolution.ts';
import { buildRoad, DynamicLayer, type RoadWorld } from './world.ts';
import { worldColors } from '../theme.ts';

export type ChaseCanvas = HTMLCanvasElement | OffscreenCanvas;

const DEFAULT_EGO = { length: 4.5, width: 1.8 };
/** Software rasterisers (no GPU): multisampling costs more than it is worth there. */
const SOFTWARE_GL = /swiftshader|llvmpipe|software|lavapipe/i;
/**
 * Without a GPU the camera draws at most 30 times a second: every frame SwiftShader draws is CPU
 * the simulator, the learner and the input path need, and 30 fps is smooth enough to drive by.
 */
const SOFTWARE_MAX_FPS = 30;

export const NO_WEBGL =
  'The 3-D chase camera needs WebGL 2, which this browser or machine does not provide (no GPU, or WebGL disabled). The map and the Q plot work without it.';

function makeProbeCanvas(): ChaseCanvas {
  return typeof OffscreenCanvas !== 'undefined'
    ? new OffscreenCanvas(1, 1)
    : (document.createElement('canvas') as HTMLCanvasElement);
}

/** The unmasked renderer string, read from a throwaway context; null if WebGL 2 is unavailable. */
function probeRenderer(): { name: string | null } | null {
  const gl = makeProbeCanvas().getContext('webgl2') as WebGL2RenderingContext | null;
  if (gl === null) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '') || null;
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { name };
}

export interface ChaseStats {
  draws: number;
  scale: number;
  note: string;
}

export class ChaseRenderer {
  readonly name: string | null;
  draws = 0;
  private readonly renderer: WebGLRenderer;
  private readonly baseRatio: number;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(CHASE_DEFAULTS.horizontalFovDeg, 16 / 9, 0.5, 800);
  private readonly sun = new DirectionalLight(0xffffff, 1.8);
  private readonly rig = new ChaseRig();
  private readonly resolution: DynamicResolution;
  /** Shortest time between two draws (ms); 0 draws on every animation frame. */
  private readonly minIntervalMs: number;
  private lastDrawAt = Number.NEGATIVE_INFINITY;
  private road: RoadWorld | null = null;
  private dynamic: DynamicLayer | null = null;
  private sceneEvent: SceneEvent | null = null;
  private sceneDirty = true;
  private theme: ThemeName;
  private builtTheme: ThemeName | null = null;
  private latest: TimedFrame | null = null;
  private previous: TimedFrame | null = null;
  private lastEpisode = Number.NaN;
  private lastKey = '';
  private size = { width: 1, height: 1, dpr: 1 };

  private constructor(
    renderer: WebGLRenderer,
    name: string | null,
    baseRatio: number,
    theme: ThemeName,
    software: boolean,
  ) {
    this.renderer = renderer;
    this.name = name;
    this.baseRatio = baseRatio;
    this.theme = theme;
    this.minIntervalMs = software ? 1000 / SOFTWARE_MAX_FPS : 0;
    // Lower the resolution when draws come slower than the rate aimed at.
    this.resolution = software
      ? new DynamicResolution({ low: SOFTWARE_MAX_FPS * 0.8, high: SOFTWARE_MAX_FPS * 0.95 })
      : new DynamicResolution();
    this.camera.up.set(0, 0, 1);
    this.scene.add(new HemisphereLight(0xe8f0f8, 0x4a503c, 2.2));
    // The sun stands high behind the camera, so what the driver looks at is lit.
    this.scene.add(this.sun, this.sun.target);
  }

  /** Starts WebGL on canvas, or says in one sentence why it cannot. */
  static start(canvas: ChaseCanvas, theme: ThemeName, dpr: number): ChaseRenderer | { error: string } {
    const probe = probeRenderer();
    if (probe === null) return { error: NO_WEBGL };
    const software = probe.name !== null && SOFTWARE_GL.test(probe.name);
    const context = canvas.getContext('webgl2', {
      antialias: !software,
      alpha: false,
      depth: true,
      stencil: false,
      powerPreference: 'high-performance',
    }) as WebGL2RenderingContext | null;
    if (context === null) return { error: 'The 3-D chase camera could not create its WebGL context.' };
    try {
      const renderer = new WebGLRenderer({ canvas, context, antialias: !software });
      const baseRatio = Math.min(dpr || 1, software ? 1 : 2);
      renderer.setPixelRatio(baseRatio);
      return new ChaseRenderer(renderer, probe.name, baseRatio, theme, software);
    } catch (error) {
      return {
        error: `The 3-D chase camera could not start WebGL: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  get scale(): number {
    return this.resolution.scale;
  }

  setScene(event: SceneEvent | null): void {
    this.sceneEvent = event;
    this.sceneDirty = true;
  }

  setTheme(theme: ThemeName): void {
    this.theme = theme;
  }

  /** A new session: forget the frames (the next one is not interpolated from the old session's). */
  reset(): void {
    this.latest = null;
    this.previous = null;
    this.lastKey = '';
  }

  /** One binary frame as the core sent it, received at `at` (this thread's performance.now()). */
  pushFrame(data: Float64Array, at: number): void {
    let frame;
    try {
      frame = decodeFrame(data);
    } catch (error) {
      if (error instanceof FrameFormatError || error instanceof RangeError) return;
      throw error;
    }
    if (this.latest !== null && frame.step < this.latest.frame.step) this.reset();
    this.previous = this.latest;
    this.latest = { frame, at };
  }

  resize(width: number, height: number, dpr: number): void {
    this.size = { width: Math.max(1, width), height: Math.max(1, height), dpr };
    this.renderer.setSize(this.size.width, this.size.height, false);
    this.camera.aspect = this.size.width / this.size.height;
    this.camera.fov = verticalFovDeg(CHASE_DEFAULTS.horizontalFovDeg, this.camera.aspect);
    this.camera.updateProjectionMatrix();
    this.lastKey = '';
  }

  /** What the pane should say instead of (or over) the picture; '' when the road is shown. */
  note(): string {
    const kind = this.sceneEvent?.scene.kind;
    if (kind === 'grid')
      return 'The chase camera follows driving sessions; this environment is drawn on the map.';
    if (this.road === null)
      return this.latest === null ? 'No session: start one to see the road.' : 'Waiting for the scene…';
    return '';
  }

  stats(): ChaseStats {
    return { draws: this.draws, scale: this.resolution.scale, note: this.note() };
  }

  /** Called on every animation frame; returns the milliseconds spent when it drew, else null. */
  frame(now: number): number | null {
    const started = performance.now();
    // A millisecond of slack: animation frames do not land exactly on the period.
    if (now - this.lastDrawAt < this.minIntervalMs - 1) return null;
    this.lastDrawAt = now;
    if (this.resolution.frame(now)) {
      this.renderer.setPixelRatio(this.baseRatio * this.resolution.scale);
      this.resize(this.size.width, this.size.height, this.size.dpr);
    }
    if (this.sceneDirty || this.builtTheme !== this.theme) this.rebuild();
    const latest = this.latest;
    if (this.road === null || latest === null || this.dynamic === null) {
      if (this.lastKey === 'empty') return null;
      if (this.dynamic) this.dynamic.group.visible = false;
      this.render();
      this.lastKey = 'empty';
      return null;
    }
    this.dynamic.group.visible = true;
    if (latest.frame.episode !== this.lastEpisode) {
      this.lastEpisode = latest.frame.episode;
      this.rig.reset();
    }
    const state = interpolateFrames(this.previous, latest, now);
    const pose = this.rig.update(state.ego, now);
    const key = `${latest.at}|${state.alpha}|${pose.position[0].toFixed(3)}|${pose.position[1].toFixed(3)}`;
    if (key === this.lastKey) return null;
    this.lastKey = key;
    const ego = this.sceneEvent?.scene.kind === 'road' ? this.sceneEvent.scene.ego : DEFAULT_EGO;
    this.dynamic.setEgo(state.ego.x, state.ego.y, state.ego.heading, ego.length, ego.width);
    this.dynamic.setActors(state.actors);
    this.dynamic.setRoute(this.road.route, state.ego);
    this.camera.position.set(pose.position[0], pose.position[1], pose.position[2]);
    this.camera.lookAt(pose.target[0], pose.target[1], pose.target[2]);
    this.sun.position.set(pose.position[0], pose.position[1], pose.position[2] + 9);
    this.sun.target.position.set(state.ego.x, state.ego.y, 0);
    this.sun.target.updateMatrixWorld();
    this.render();
    this.draws++;
    return performance.now() - started;
  }

  /** Renders once and counts the distinct colours in a sample of the pixels (for tests). */
  sampleColours(): number {
    this.render();
    const gl = this.renderer.getContext();
    const w = gl.drawingBufferWidth;
    const h = gl.drawingBufferHeight;
    const pixels = new Uint8Array(w * h * 4);
    gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    const colours = new Set<number>();
    for (let i = 0; i < pixels.length; i += 4 * 97)
      colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    return colours.size;
  }

  dispose(): void {
    this.road?.dispose();
    this.dynamic?.dispose();
    this.renderer.dispose();
    this.renderer.forceContextLoss();
  }

  private render(): void {
    this.renderer.render(this.scene, this.camera);
  }

  private rebuild(): void {
    if (this.builtTheme !== this.theme) {
      const colours = worldColors(this.theme);
      this.scene.background = new Color(colours.sky);
      this.scene.fog = new Fog(colours.sky, 160, 520);
      this.dynamic?.dispose();
      this.dynamic = new DynamicLayer(this.theme);
      this.scene.add(this.dynamic.group);
    }
    this.road?.dispose();
    this.road = null;
    const event = this.sceneEvent;
    if (event !== null && event.scene.kind === 'road') {
      this.road = buildRoad(event.scene, this.theme);
      this.scene.add(this.road.group);
    }
    this.sceneDirty = false;
    this.builtTheme = this.theme;
    this.rig.reset();
    this.lastKey = '';
  }
}
