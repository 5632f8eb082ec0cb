// The chase camera: a three.js view from behind the car, as MetaDrive's main camera (chase-camera.ts),
// drawn on every animation frame from the last two decisions (interpolated), never from React state.
// The road is rebuilt (and the old one's GPU memory released) when the scenario changes. Where WebGL
// cannot start, the pane says so in words and the rest of the workstation carries on.
import { useEffect, useRef, useState } from 'react';
import {
  DirectionalLight,
  Fog,
  HemisphereLight,
  PerspectiveCamera,
  Scene,
  WebGLRenderer,
  Color,
} from 'three';
import type { LiveStore } from '../../state/live-store.ts';
import type { ThemeName } from '../../state/prefs.ts';
import { interpolateFrames } from '../interpolate.ts';
import { ChaseRig, CHASE_DEFAULTS, verticalFovDeg } from './chase-camera.ts';
import { DynamicResolution } from './resolution.ts';
import { buildRoad, DynamicLayer, type RoadWorld } from './world.ts';
import { worldColors } from '../theme.ts';
import { probes } from '../../test-hook.ts';
import { recordDraw } from '../../perf.ts';

export interface ChaseViewProps {
  store: LiveStore;
  theme: ThemeName;
}

const DEFAULT_EGO = { length: 4.5, width: 1.8 };
/** Software rasterisers (no GPU): multisampling costs more than it is worth there. */
const SOFTWARE_GL = /swiftshader|llvmpipe|software|lavapipe/i;

interface GlStart {
  renderer: WebGLRenderer;
  name: string | null;
  /** Device pixels per CSS pixel at full resolution. */
  baseRatio: number;
}

/** The unmasked renderer string, read from a throwaway context; null if WebGL 2 is unavailable. */
function probeRenderer(): { name: string | null } | null {
  const probe = document.createElement('canvas');
  const gl = probe.getContext('webgl2');
  if (gl === null) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '') || null;
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { name };
}

function startWebGL(canvas: HTMLCanvasElement): GlStart | { error: string } {
  const probe = probeRenderer();
  if (probe === null)
    return {
      error:
        'The 3-D chase camera needs WebGL 2, which this browser or machine does not provide (no GPU, or WebGL disabled). The map and the Q plot work without it.',
    };
  const software = probe.name !== null && SOFTWARE_GL.test(probe.name);
  const context = canvas.getContext('webgl2', {
    antialias: !software,
    alpha: false,
    depth: true,
    stencil: false,
    powerPreference: 'high-performance',
  });
  if (context === null) return { error: 'The 3-D chase camera could not create its WebGL context.' };
  try {
    const renderer = new WebGLRenderer({ canvas, context, antialias: !software });
    const baseRatio = Math.min(window.devicePixelRatio || 1, software ? 1 : 2);
    renderer.setPixelRatio(baseRatio);
    return { renderer, name: probe.name, baseRatio };
  } catch (error) {
    return {
      error: `The 3-D chase camera could not start WebGL: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function countColours(renderer: WebGLRenderer, render: () => void): number {
  render();
  const gl = renderer.getContext();
  const w = gl.drawingBufferWidth;
  const h = gl.drawingBufferHeight;
  const pixels = new Uint8Array(w * h * 4);
  gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
  const colours = new Set<number>();
  for (let i = 0; i < pixels.length; i += 4 * 97)
    colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
  return colours.size;
}

export function ChaseView({ store, theme }: ChaseViewProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const noteRef = useRef<HTMLDivElement>(null);
  const themeRef = useRef(theme);
  const [problem, setProblem] = useState<string | null>(null);
  // Bumped when a lost context comes back: the effect starts over on a fresh canvas.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    themeRef.current = theme;
  }, [theme]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    // A fresh canvas per start: a canvas whose context was lost cannot give a new one.
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', 'Chase camera: the road from behind the car');
    host.prepend(canvas);
    const started = startWebGL(canvas);
    if ('error' in started) {
      canvas.remove();
      setProblem(started.error);
      probes.chaseStatus = () => 'unavailable';
      return () => {
        probes.chaseStatus = () => 'starting';
      };
    }
    setProblem(null);
    const { renderer } = started;
    const scene = new Scene();
    const camera = new PerspectiveCamera(CHASE_DEFAULTS.horizontalFovDeg, 16 / 9, 0.5, 800);
    camera.up.set(0, 0, 1);
    scene.add(new HemisphereLight(0xe8f0f8, 0x4a503c, 2.2));
    // The sun stands high behind the camera, so what the driver looks at is lit.
    const sun = new DirectionalLight(0xffffff, 1.8);
    scene.add(sun, sun.target);

    const rig = new ChaseRig();
    // Fewer pixels when frames come slowly (software WebGL is fill-bound).
    const resolution = new DynamicResolution();
    let road: RoadWorld | null = null;
    let dynamic: DynamicLayer | null = null;
    let builtVersion = -1;
    let builtTheme: ThemeName | null = null;
    let lastEpisode = Number.NaN;
    let lastKey = '';
    let draws = 0;
    let note = '';
    let raf = 0;

    const setNote = (text: string) => {
      if (text === note) return;
      note = text;
      if (noteRef.current) {
        noteRef.current.textContent = text;
        noteRef.current.hidden = text === '';
      }
    };

    const resize = () => {
      const w = Math.max(1, host.clientWidth);
      const h = Math.max(1, host.clientHeight);
      renderer.setSize(w, h, false);
      camera.aspect = w / h;
      camera.fov = verticalFovDeg(CHASE_DEFAULTS.horizontalFovDeg, camera.aspect);
      camera.updateProjectionMatrix();
      lastKey = '';
    };
    const observer = new ResizeObserver(resize);
    observer.observe(host);
    resize();

    const rebuild = () => {
      const themeNow = themeRef.current;
      if (builtTheme !== themeNow) {
        const colours = worldColors(themeNow);
        scene.background = new Color(colours.sky);
        scene.fog = new Fog(colours.sky, 160, 520);
        dynamic?.dispose();
        dynamic = new DynamicLayer(themeNow);
        scene.add(dynamic.group);
      }
      road?.dispose();
      road = null;
      const event = store.scene;
      if (event !== null && event.scene.kind === 'road') {
        road = buildRoad(event.scene, themeNow);
        scene.add(road.group);
      }
      builtVersion = store.sceneVersion;
      builtTheme = themeNow;
      rig.reset();
      lastKey = '';
    };

    const render = () => renderer.render(scene, camera);

    const draw = (now: number) => {
      raf = requestAnimationFrame(draw);
      const drawStart = performance.now();
      if (builtVersion !== store.sceneVersion || builtTheme !== themeRef.current) rebuild();
      if (resolution.frame(now)) {
        renderer.setPixelRatio(started.baseRatio * resolution.scale);
        resize();
      }
      const latest = store.latest;
      const kind = store.scene?.scene.kind;
      if (kind === 'grid')
        setNote('The chase camera follows driving sessions; this environment is drawn on the map.');
      else if (road === null)
        setNote(latest === null ? 'No session: start one to see the road.' : 'Waiting for the scene…');
      else setNote('');
      if (road === null || latest === null || dynamic === null) {
        if (lastKey !== 'empty') {
          if (dynamic) dynamic.group.visible = false;
          render();
          lastKey = 'empty';
        }
        return;
      }
      dynamic.group.visible = true;
      if (latest.frame.episode !== lastEpisode) {
        lastEpisode = latest.frame.episode;
        rig.reset();
      }
      const state = interpolateFrames(store.previous, latest, now);
      const egoSize = store.scene?.scene.kind === 'road' ? store.scene.scene.ego : DEFAULT_EGO;
      const pose = rig.update(state.ego, now);
      const key = `${latest.at}|${state.alpha}|${pose.position[0].toFixed(3)}|${pose.position[1].toFixed(3)}`;
      if (key === lastKey) return;
      lastKey = key;
      dynamic.setEgo(state.ego.x, state.ego.y, state.ego.heading, egoSize.length, egoSize.width);
      dynamic.setActors(state.actors);
      dynamic.setRoute(road.route, state.ego);
      camera.position.set(pose.position[0], pose.position[1], pose.position[2]);
      camera.lookAt(pose.target[0], pose.target[1], pose.target[2]);
      sun.position.set(pose.position[0], pose.position[1], pose.position[2] + 9);
      sun.target.position.set(state.ego.x, state.ego.y, 0);
      sun.target.updateMatrixWorld();
      render();
      draws++;
      recordDraw('chase', drawStart);
    };

    const onLost = (event: Event) => {
      event.preventDefault();
      cancelAnimationFrame(raf);
      probes.chaseStatus = () => 'lost';
      setProblem(
        'The 3-D view lost its graphics context (the GPU was reset or is busy); it comes back on its own when the GPU recovers.',
      );
    };
    const onRestored = () => setGeneration((g) => g + 1);
    canvas.addEventListener('webglcontextlost', onLost);
    canvas.addEventListener('webglcontextrestored', onRestored);

    raf = requestAnimationFrame(draw);
    probes.chaseDraws = () => draws;
    probes.chaseStatus = () => 'running';
    probes.glRenderer = () => started.name;
    probes.chaseScale = () => resolution.scale;
    probes.chaseColours = () => countColours(renderer, render);

    return () => {
      cancelAnimationFrame(raf);
      observer.disconnect();
      canvas.removeEventListener('webglcontextlost', onLost);
      canvas.removeEventListener('webglcontextrestored', onRestored);
      road?.dispose();
      dynamic?.dispose();
      renderer.dispose();
      renderer.forceContextLoss();
      canvas.remove();
      probes.chaseDraws = () => 0;
      probes.chaseStatus = () => 'starting';
      probes.chaseColours = () => 0;
      probes.glRenderer = () => null;
      probes.chaseScale = () => 1;
    };
  }, [store, generation]);

  return (
    <div className="panel view-panel chase" data-testid="chase">
      <div className="view-canvas" ref={hostRef}>
        <div className="view-note" ref={noteRef} hidden data-testid="chase-note" />
        {problem !== null && (
          <div className="view-problem" role="alert" data-testid="chase-unavailable">
            {problem}
          </div>
        )}
      </div>
    </div>
  );
}
