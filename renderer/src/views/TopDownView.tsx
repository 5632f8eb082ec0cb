// The top-down map: a Canvas 2D view of the scene at 5 px/m, ego-centred, north-up or heading-up,
// with the whole map as an inset, the ego's fading trail (takeover stretches in their mode's colour)
// and, when switched on, lidar rays; for the grid, the whole grid with the agent's view window. Drawn on every animation frame from the latest two frames
// (interpolated), never from React state.
import { useEffect, useRef } from 'react';
import type { LiveStore } from '../state/live-store.ts';
import type { RoadScene } from '../../../main/contract/scene.ts';
import type { ThemeName } from '../state/prefs.ts';
import { MODE_STYLES, overlayInk, roadColors, type ROAD_COLORS } from './theme.ts';
import { interpolateFrames, type InterpolatedState } from './interpolate.ts';
import { buildRoadLayer, drawRoadLayer, type RoadLayer } from './topdown/road-layer.ts';
import { drawActor, drawVehicle } from './topdown/actors.ts';
import { drawTrail } from './topdown/trail.ts';
import { drawGrid } from './topdown/grid.ts';
import { canvasFootprint, mapRotation, worldToCanvas, type Affine } from './topdown/transform.ts';
import { buildInset, drawInset, type Inset } from './topdown/inset.ts';
import { castLidar, LIDAR_DEFAULTS } from './topdown/lidar.ts';
import { probes, type GridAgent } from '../test-hook.ts';
import { recordDraw } from '../perf.ts';

export interface TopDownOptions {
  headingUp: boolean;
  inset: boolean;
  lidar: boolean;
}

export interface TopDownViewProps {
  store: LiveStore;
  theme: ThemeName;
  options: TopDownOptions;
  onToggle: (option: keyof TopDownOptions) => void;
  /** Map scale; 5 px/m (MetaDrive's top-down scaling) shows about 120 m across a 600 px wide view. */
  pixelsPerMetre?: number;
  /** A grid session: the whole grid, without the road map's options. */
  grid?: boolean;
}

const DEFAULT_EGO = { length: 4.5, width: 1.8 };

function drawScaleBar(
  ctx: CanvasRenderingContext2D,
  pxPerMetre: number,
  dpr: number,
  height: number,
  rotation: number,
  ink: string,
): void {
  const metres = pxPerMetre * 10 >= 40 ? 10 : 50;
  const length = metres * pxPerMetre * dpr;
  const x = 14 * dpr;
  const y = height - 16 * dpr;
  ctx.strokeStyle = ink;
  ctx.lineWidth = 2 * dpr;
  ctx.beginPath();
  ctx.moveTo(x, y - 5 * dpr);
  ctx.lineTo(x, y);
  ctx.lineTo(x + length, y);
  ctx.lineTo(x + length, y - 5 * dpr);
  ctx.stroke();
  ctx.fillStyle = ink;
  ctx.font = `${12 * dpr}px system-ui, sans-serif`;
  ctx.fillText(`${metres} m`, x + length + 6 * dpr, y);
  // A north arrow that turns with the map.
  const cx = x + 9 * dpr;
  const cy = 24 * dpr;
  ctx.save();
  ctx.translate(cx, cy);
  ctx.rotate(rotation);
  ctx.beginPath();
  ctx.moveTo(0, -9 * dpr);
  ctx.lineTo(5 * dpr, 6 * dpr);
  ctx.lineTo(0, 3 * dpr);
  ctx.lineTo(-5 * dpr, 6 * dpr);
  ctx.closePath();
  ctx.fill();
  ctx.restore();
  ctx.fillText('N', cx + 12 * dpr, cy + 5 * dpr);
}

function drawMessage(
  ctx: CanvasRenderingContext2D,
  text: string,
  width: number,
  height: number,
  dpr: number,
  ink: string,
): void {
  ctx.fillStyle = ink;
  ctx.globalAlpha = 0.7;
  ctx.font = `${15 * dpr}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.fillText(text, width / 2, height / 2);
  ctx.textAlign = 'start';
  ctx.globalAlpha = 1;
}

function drawLidar(
  ctx: CanvasRenderingContext2D,
  state: InterpolatedState,
  distances: Float64Array,
  metresPerPixel: number,
): void {
  const { x, y, heading } = state.ego;
  const n = distances.length;
  ctx.lineWidth = metresPerPixel;
  ctx.strokeStyle = 'rgba(79, 195, 247, 0.22)';
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    const a = heading + (2 * Math.PI * i) / n;
    ctx.moveTo(x, y);
    ctx.lineTo(x + Math.cos(a) * distances[i], y + Math.sin(a) * distances[i]);
  }
  ctx.stroke();
  ctx.fillStyle = '#ff5252';
  const r = 2.2 * metresPerPixel;
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    if (distances[i] >= LIDAR_DEFAULTS.range) continue;
    const a = heading + (2 * Math.PI * i) / n;
    const hx = x + Math.cos(a) * distances[i];
    const hy = y + Math.sin(a) * distances[i];
    ctx.moveTo(hx + r, hy);
    ctx.arc(hx, hy, r, 0, 2 * Math.PI);
  }
  ctx.fill();
}

function drawRoad(
  ctx: CanvasRenderingContext2D,
  store: LiveStore,
  scene: RoadScene,
  layer: RoadLayer,
  state: InterpolatedState | null,
  transform: Affine,
  scale: number,
  colours: typeof ROAD_COLORS,
  lidar: Float64Array | null,
): void {
  ctx.setTransform(...transform);
  drawRoadLayer(ctx, layer, 1 / scale, colours);
  if (lidar !== null && state !== null) drawLidar(ctx, state, lidar, 1 / scale);
  drawTrail(ctx, store.trail, 0.6, state === null ? null : state.ego, colours.trail);
  const outline = Math.max(0.08, 1 / scale);
  for (const actor of state?.actors ?? []) drawActor(ctx, actor, outline, colours);
  if (state !== null) {
    const mode = store.latest?.frame.mode ?? 'robot';
    const ego = scene.ego ?? DEFAULT_EGO;
    drawVehicle(
      ctx,
      state.ego.x,
      state.ego.y,
      state.ego.heading,
      ego.length,
      ego.width,
      MODE_STYLES[mode].color,
      outline * 1.5,
      colours,
    );
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}

const TOGGLES: Array<{ option: keyof TopDownOptions; label: string; key: string; testId: string }> = [
  { option: 'headingUp', label: 'Heading up', key: 'H', testId: 'toggle-heading-up' },
  { option: 'inset', label: 'Map', key: 'M', testId: 'toggle-inset' },
  { option: 'lidar', label: 'Lidar', key: 'L', testId: 'toggle-lidar' },
];

export function TopDownView({
  store,
  theme,
  options,
  onToggle,
  pixelsPerMetre = 5,
  grid = false,
}: TopDownViewProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const optionsRef = useRef(options);
  optionsRef.current = options;

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const colours = roadColors(theme);
    const ink = overlayInk(theme);
    let layer: { version: number; layer: RoadLayer } | null = null;
    let inset: { version: number; size: number; inset: Inset } | null = null;
    let lidar: Float64Array | null = null;
    let gridAgent: GridAgent | null = null;
    let raf = 0;
    let draws = 0;
    let sized = false;
    // Skip redrawing when nothing can have changed since the last draw.
    let lastKey = '';

    const resize = () => {
      const dpr = window.devicePixelRatio || 1;
      const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
      const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      sized = false;
    };
    const observer = new ResizeObserver(resize);
    observer.observe(canvas);
    resize();

    const draw = (now: number) => {
      raf = requestAnimationFrame(draw);
      const opts = optionsRef.current;
      const latest = store.latest;
      const state = latest === null ? null : interpolateFrames(store.previous, latest, now);
      const key = `${store.sceneVersion}|${latest?.at ?? -1}|${state?.alpha ?? 1}|${store.trail.version}|${opts.headingUp}|${opts.inset}|${opts.lidar}`;
      if (sized && key === lastKey) return;
      const started = performance.now();
      lastKey = key;
      sized = true;

      const dpr = window.devicePixelRatio || 1;
      const { width, height } = canvas;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = colours.background;
      ctx.fillRect(0, 0, width, height);
      const scene = store.scene?.scene ?? null;
      if (scene === null) {
        drawMessage(
          ctx,
          latest === null ? 'No session: start one to see the road.' : 'Waiting for the scene…',
          width,
          height,
          dpr,
          ink,
        );
        return;
      }
      if (scene.kind === 'grid') {
        // The view window is the latest decision's, in whole cells; the agent itself slides between them.
        const frame = latest?.frame ?? null;
        const cell =
          frame === null ? null : { x: frame.egoX, y: frame.egoY, heading: frame.egoHeading, speed: 0 };
        drawGrid(ctx, scene, state?.ego ?? null, state?.actors ?? [], width, height, cell);
        gridAgent =
          cell === null
            ? null
            : { x: cell.x, y: cell.y, dir: ((Math.round(cell.heading / (Math.PI / 2)) % 4) + 4) % 4 };
      } else {
        if (layer === null || layer.version !== store.sceneVersion)
          layer = { version: store.sceneVersion, layer: buildRoadLayer(scene) };
        const scale = pixelsPerMetre * dpr;
        const centre = state?.ego ?? {
          x: scene.route[0]?.[0] ?? 0,
          y: scene.route[0]?.[1] ?? 0,
          heading: Math.PI / 2,
        };
        const transform = worldToCanvas(centre, scale, width, height, opts.headingUp);
        lidar =
          opts.lidar && state !== null
            ? castLidar(
                state.ego,
                state.actors,
                LIDAR_DEFAULTS.rays,
                LIDAR_DEFAULTS.range,
                lidar ?? undefined,
              )
            : null;
        drawRoad(ctx, store, scene, layer.layer, state, transform, scale, colours, lidar);
        drawScaleBar(ctx, pixelsPerMetre, dpr, height, mapRotation(transform), ink);
        if (opts.inset) {
          const size = Math.round(Math.min(width, height) * 0.3);
          if (size >= 40) {
            if (inset === null || inset.version !== store.sceneVersion || inset.size !== size)
              inset = {
                version: store.sceneVersion,
                size,
                inset: buildInset(scene, layer.layer, size, colours),
              };
            const mode = latest?.frame.mode ?? 'robot';
            drawInset(
              ctx,
              inset.inset,
              width - size - 8 * dpr,
              8 * dpr,
              state?.ego ?? null,
              canvasFootprint(transform, width, height),
              ink,
              MODE_STYLES[mode].color,
              dpr,
            );
          }
        }
      }
      draws++;
      recordDraw('topdown', started);
    };
    raf = requestAnimationFrame(draw);
    probes.topDownDraws = () => draws;
    probes.gridAgent = () => gridAgent;

    return () => {
      cancelAnimationFrame(raf);
      observer.disconnect();
      probes.topDownDraws = () => 0;
      probes.gridAgent = () => null;
    };
  }, [store, pixelsPerMetre, theme]);

  return (
    <div className="panel view-panel topdown" data-testid={grid ? 'grid-view' : 'topdown'}>
      <canvas
        ref={canvasRef}
        aria-label={
          grid
            ? 'The grid: walls, doors, the goal, the agent and the cells it can see'
            : 'Top-down map of the road around the car'
        }
        role="img"
      />
      {/* The road map's options; the grid is always drawn whole, north-up. */}
      {!grid && (
        <div className="view-toggles" role="toolbar" aria-label="Map options">
          {TOGGLES.map((t) => (
            <button
              key={t.option}
              type="button"
              className={`chip ${options[t.option] ? 'on' : ''}`}
              aria-pressed={options[t.option]}
              title={`${t.label} (${t.key})`}
              data-testid={t.testId}
              onClick={() => onToggle(t.option)}
            >
              {t.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
