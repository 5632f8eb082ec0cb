// The top-down map: a Canvas 2D view of the scene, ego-centred (north up) at a fixed scale, drawn on
// every animation frame from the latest two frames (interpolated), never from React state.
import { useEffect, useRef } from 'react';
import type { LiveStore } from '../state/live-store.ts';
import type { RoadScene } from '../../../main/contract/scene.ts';
import { MODE_STYLES, ROAD_COLORS } from './theme.ts';
import { interpolateFrames, type InterpolatedState } from './interpolate.ts';
import { buildRoadLayer, drawRoadLayer, type RoadLayer } from './topdown/road-layer.ts';
import { drawActor, drawVehicle } from './topdown/actors.ts';
import { drawTrail } from './topdown/trail.ts';
import { drawGrid } from './topdown/grid.ts';
import { probes } from '../test-hook.ts';

export interface TopDownViewProps {
  store: LiveStore;
  /** Map scale; 5 px/m shows about 120 m across a 600 px wide view. */
  pixelsPerMetre?: number;
}

const DEFAULT_EGO = { length: 4.5, width: 1.8 };

function drawScaleBar(ctx: CanvasRenderingContext2D, pxPerMetre: number, dpr: number, height: number): void {
  const metres = pxPerMetre * 10 >= 40 ? 10 : 50;
  const length = metres * pxPerMetre * dpr;
  const x = 14 * dpr;
  const y = height - 16 * dpr;
  ctx.strokeStyle = 'rgba(236, 239, 241, 0.85)';
  ctx.lineWidth = 2 * dpr;
  ctx.beginPath();
  ctx.moveTo(x, y - 5 * dpr);
  ctx.lineTo(x, y);
  ctx.lineTo(x + length, y);
  ctx.lineTo(x + length, y - 5 * dpr);
  ctx.stroke();
  ctx.fillStyle = 'rgba(236, 239, 241, 0.85)';
  ctx.font = `${12 * dpr}px system-ui, sans-serif`;
  ctx.fillText(`${metres} m`, x + length + 6 * dpr, y);
  ctx.fillText('N ↑', x, 22 * dpr);
}

function drawMessage(
  ctx: CanvasRenderingContext2D,
  text: string,
  width: number,
  height: number,
  dpr: number,
): void {
  ctx.fillStyle = 'rgba(236, 239, 241, 0.6)';
  ctx.font = `${15 * dpr}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.fillText(text, width / 2, height / 2);
  ctx.textAlign = 'start';
}

function drawRoad(
  ctx: CanvasRenderingContext2D,
  store: LiveStore,
  scene: RoadScene,
  layer: RoadLayer,
  state: InterpolatedState | null,
  scale: number,
  width: number,
  height: number,
): void {
  const centre = state?.ego ?? { x: scene.route[0]?.[0] ?? 0, y: scene.route[0]?.[1] ?? 0 };
  // World (metres, y north) → canvas (pixels, y down), with the ego at the centre.
  ctx.setTransform(scale, 0, 0, -scale, width / 2 - scale * centre.x, height / 2 + scale * centre.y);
  drawRoadLayer(ctx, layer, 1 / scale);
  drawTrail(ctx, store.trail, 0.6, state === null ? null : state.ego);
  const outline = Math.max(0.08, 1 / scale);
  for (const actor of state?.actors ?? []) drawActor(ctx, actor, outline);
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
    );
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}

export function TopDownView({ store, pixelsPerMetre = 5 }: TopDownViewProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    let layer: { version: number; layer: RoadLayer } | null = null;
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
      const latest = store.latest;
      const state = latest === null ? null : interpolateFrames(store.previous, latest, now);
      const key = `${store.sceneVersion}|${latest?.at ?? -1}|${state?.alpha ?? 1}|${store.trail.version}`;
      if (sized && key === lastKey) return;
      lastKey = key;
      sized = true;

      const dpr = window.devicePixelRatio || 1;
      const { width, height } = canvas;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = ROAD_COLORS.background;
      ctx.fillRect(0, 0, width, height);
      const scene = store.scene?.scene ?? null;
      if (scene === null) {
        drawMessage(
          ctx,
          latest === null ? 'No session: start one to see the road.' : 'Waiting for the scene…',
          width,
          height,
          dpr,
        );
        return;
      }
      if (scene.kind === 'grid') {
        drawGrid(ctx, scene, state?.ego ?? null, state?.actors ?? [], width, height);
      } else {
        if (layer === null || layer.version !== store.sceneVersion)
          layer = { version: store.sceneVersion, layer: buildRoadLayer(scene) };
        drawRoad(ctx, store, scene, layer.layer, state, pixelsPerMetre * dpr, width, height);
        drawScaleBar(ctx, pixelsPerMetre, dpr, height);
      }
      draws++;
    };
    raf = requestAnimationFrame(draw);
    probes.topDownDraws = () => draws;

    return () => {
      cancelAnimationFrame(raf);
      observer.disconnect();
      probes.topDownDraws = () => 0;
    };
  }, [store, pixelsPerMetre]);

  return (
    <div className="panel topdown" data-testid="topdown">
      <canvas ref={canvasRef} aria-label="Top-down map of the road around the car" role="img" />
    </div>
  );
}
