// `aim bench ui`: how fast the live view draws. Chromium (driven by playwright-core) opens browser
// mode over the real core, starts a driving session with traffic at real-time pace through the
// new-session dialog, and with the chase camera, the top-down map and the Q plot all running
// measures, in the page, the interval between animation frames and each view's own draw time
// (performance.now() around its draw — the chase camera's on its worker thread — read through
// window.__aimTest.perf), plus the main thread's busy time and each Chromium process's CPU time
// over the same window (DevTools protocol); --isolate repeats the window with one view at a time. Where
// WebGL has no GPU, Chromium is allowed SwiftShader (--enable-unsafe-swiftshader); the JSON names
// the renderer, so a software number is never mistaken for a hardware one.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Workstation } from '../../session/workstation.ts';
import { startServer } from '../../server/server.ts';
import { parseFlags, type CommandSpec } from '../args.ts';
import { RENDERER_DIR } from '../paths.ts';
import { round, summarise, type PagePerf } from './bench-ui-summary.ts';
import { browserBench, CHROMIUM_FLAG, fillField } from './bench-browser.ts';

export const benchUiCommand = {
  name: 'bench ui',
  summary: 'measure the live view in Chromium: fps, p95 frame time, and where frame time goes per view',
  usage:
    'aim bench ui [--seconds N] [--width W --height H] [--warmup N] [--batch N] [--chromium PATH] [--json]',
  flags: {
    seconds: { type: 'integer', min: 1, max: 3600, default: 20, description: 'Measured seconds.' },
    settle: {
      type: 'integer',
      min: 0,
      max: 600,
      default: 8,
      description: 'Seconds of driving before measuring (shaders compiled, plot filled).',
    },
    width: { type: 'integer', min: 320, max: 7680, default: 1920, description: 'Viewport width (px).' },
    height: { type: 'integer', min: 240, max: 4320, default: 1080, description: 'Viewport height (px).' },
    warmup: {
      type: 'integer',
      min: 10,
      max: 1_000_000,
      default: 40,
      description: 'Warm-up steps of the session (short, so the Q plot has Q values to draw).',
    },
    batch: { type: 'integer', min: 1, max: 65_536, default: 64, description: 'Gradient batch size.' },
    seed: { type: 'integer', min: 0, max: 2 ** 31 - 1, default: 3, description: 'Session seed.' },
    'disable-gpu': {
      type: 'boolean',
      description:
        "Chromium's --disable-gpu: 2-D canvases and compositing rasterised on the CPU (WebGL stays on SwiftShader).",
    },
    isolate: {
      type: 'boolean',
      description:
        'Also measure each view alone (the other two panes hidden) for the same number of seconds.',
    },
    chromium: CHROMIUM_FLAG,
    json: { type: 'boolean', description: 'Print one JSON object.' },
  },
  examples: ['aim bench ui --json', 'aim bench ui --seconds 60 --width 1280 --height 720 --json'],
} satisfies CommandSpec;

type HookWindow = {
  __aimTest?: {
    perf(since: number): PagePerf;
    chaseDraws(): number;
    chaseStatus(): string;
    glRenderer(): string | null;
    chaseScale(): number;
    frames(): number;
  };
  performance: { now(): number };
};

interface ProcessInfo {
  type: string;
  id: number;
  cpuTime: number;
}

function cpuByType(
  before: ProcessInfo[],
  after: ProcessInfo[],
  wallMs: number,
): Record<string, number | null> {
  const start = new Map(before.map((p) => [`${p.type}:${p.id}`, p.cpuTime]));
  const out: Record<string, number> = {};
  for (const p of after) {
    const delta = p.cpuTime - (start.get(`${p.type}:${p.id}`) ?? 0);
    out[p.type] = (out[p.type] ?? 0) + delta;
  }
  // CPU seconds per wall second (1.0 = one core busy all the time).
  return Object.fromEntries(
    Object.entries(out).map(([type, seconds]) => [type, round(seconds / (wallMs / 1000), 3)]),
  );
}

/** The panes a view lives in, to hide the others when measuring one alone. */
const ISOLATED_VIEWS = ['chase', 'topdown', 'qplot'] as const;
const VIEW_SELECTORS: Record<(typeof ISOLATED_VIEWS)[number], string> = {
  chase: '[data-testid="chase"]',
  topdown: '[data-testid="topdown"]',
  qplot: '.qplot-panel',
};

type StyleWindow = {
  document: {
    createElement(tag: 'style'): { id: string; textContent: string | null };
    head: { append(node: unknown): void };
    getElementById(id: string): { remove(): void } | null;
  };
};

const MAIN_THREAD_METRICS = [
  'TaskDuration',
  'ScriptDuration',
  'LayoutDuration',
  'RecalcStyleDuration',
] as const;

export async function runBenchUi(argv: string[]): Promise<number> {
  const flags = parseFlags(benchUiCommand, argv);
  const { playwright, executablePath } = await browserBench('aim bench ui', flags.chromium);

  const scratch = mkdtempSync(path.join(os.tmpdir(), 'aim-bench-ui-'));
  const core = Workstation.open({ dbPath: path.join(scratch, 'bench.db'), host: 'browser' });
  const server = await startServer({ core, port: 0, staticDir: RENDERER_DIR });
  const browser = await playwright.chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // The GPU where there is one; SwiftShader only where there is none.
      '--enable-unsafe-swiftshader',
      '--ignore-gpu-blocklist',
      ...(flags['disable-gpu'] ? ['--disable-gpu'] : []),
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: flags.width, height: flags.height } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId('new-session-button').click();
    const fill = (id: string, value: string) => fillField(page, id, value);
    await fill('env-select', 'driving');
    await fill('pace-select', 'realtime');
    await fill('warmup-input', String(flags.warmup));
    await fill('batch-size-input', String(flags.batch));
    await fill('delta-input', '0.1');
    await fill('seed-input', String(flags.seed));
    await fill('operator-input', 'aim bench ui');
    await page.getByTestId('start-button').click();
    await page.waitForFunction(
      () => {
        const hook = (globalThis as unknown as HookWindow).__aimTest;
        return (
          hook !== undefined &&
          hook.frames() >= 10 &&
          (hook.chaseDraws() > 0 || hook.chaseStatus() === 'unavailable')
        );
      },
      undefined,
      { timeout: 120_000, polling: 100 },
    );
    await page.waitForTimeout(flags.settle * 1000);

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const browserCdp = await browser.newBrowserCDPSession();
    const metrics = async () =>
      Object.fromEntries(
        (await cdp.send('Performance.getMetrics')).metrics.map((m: { name: string; value: number }) => [
          m.name,
          m.value,
        ]),
      ) as Record<string, number>;
    const processes = async () =>
      ((await browserCdp.send('SystemInfo.getProcessInfo')) as { processInfo: ProcessInfo[] }).processInfo;

    /** One measurement window of `seconds`: the page's own timings plus the browser's. */
    const measure = async (seconds: number) => {
      const startMetrics = await metrics();
      const startProcesses = await processes();
      const start = await page.evaluate(() => {
        const g = globalThis as unknown as HookWindow;
        return { now: g.performance.now(), frames: g.__aimTest!.frames() };
      });
      await page.waitForTimeout(seconds * 1000);
      const end = await page.evaluate((since) => {
        const g = globalThis as unknown as HookWindow;
        const hook = g.__aimTest!;
        return { perf: hook.perf(since), frames: hook.frames(), chaseScale: hook.chaseScale() };
      }, start.now);
      const endMetrics = await metrics();
      const endProcesses = await processes();
      const wallMs = end.perf.now - start.now;
      return {
        seconds: round(wallMs / 1000, 1),
        decisionsPerSecond: round(((end.frames - start.frames) * 1000) / wallMs, 2),
        /** The chase camera's resolution scale at the end (it lowers itself while frames are slow). */
        chaseResolutionScale: round(end.chaseScale, 3),
        ...summarise(end.perf, wallMs),
        /** Fraction of wall time the page's main thread spent in tasks, scripts, layout and style. */
        mainThread: Object.fromEntries(
          MAIN_THREAD_METRICS.map((name) => [
            name,
            round(((endMetrics[name] ?? 0) - (startMetrics[name] ?? 0)) / (wallMs / 1000), 3),
          ]),
        ),
        /** CPU seconds per wall second of each Chromium process type (1 = one core). */
        processCpu: cpuByType(startProcesses, endProcesses, wallMs),
      };
    };

    const all = await measure(flags.seconds);
    // Each view alone: the other two panes hidden (display: none), so they draw nothing visible.
    const alone: Record<
      string,
      {
        fps: number | null;
        frameTimeP95Ms: number | null;
        chaseResolutionScale: number | null;
        processCpu: Record<string, number | null>;
      }
    > = {};
    if (flags.isolate) {
      for (const view of ISOLATED_VIEWS) {
        const hidden = ISOLATED_VIEWS.filter((v) => v !== view)
          .map((v) => VIEW_SELECTORS[v])
          .join(', ');
        await page.evaluate((css) => {
          const g = globalThis as unknown as StyleWindow;
          const style = g.document.createElement('style');
          style.id = 'aim-bench-isolate';
          style.textContent = `${css} { display: none !important; }`;
          g.document.head.append(style);
        }, hidden);
        await page.waitForTimeout(1000);
        const m = await measure(flags.seconds);
        alone[view] = {
          fps: m.fps,
          frameTimeP95Ms: m.frameTimeMs.p95,
          chaseResolutionScale: m.chaseResolutionScale,
          processCpu: m.processCpu,
        };
        await page.evaluate(() =>
          (globalThis as unknown as StyleWindow).document.getElementById('aim-bench-isolate')?.remove(),
        );
      }
    }

    const info = await page.evaluate(() => {
      const hook = (globalThis as unknown as HookWindow).__aimTest!;
      return { chaseStatus: hook.chaseStatus(), glRenderer: hook.glRenderer() };
    });
    const status = await page.getByTestId('session-status').textContent();
    const lag = await page.getByTestId('learner-lag').textContent();
    const gl = info.glRenderer;
    const report = {
      bench: 'ui',
      node: process.versions.node,
      chromium: browser.version(),
      glRenderer: gl,
      chaseCamera: info.chaseStatus,
      hardwareAccelerated: gl !== null && !/swiftshader|llvmpipe|software|lavapipe/i.test(gl),
      disableGpu: flags['disable-gpu'],
      viewport: { width: flags.width, height: flags.height },
      session: {
        env: 'driving',
        pace: 'realtime',
        warmup: flags.warmup,
        batchSize: flags.batch,
        seed: flags.seed,
        status,
        learnerLagAtEnd: lag === '—' ? null : Number(lag),
      },
      ...all,
      ...(flags.isolate ? { alone } : {}),
      logicalCpus: os.cpus().length,
      loadAverage: os.loadavg().map((v) => round(v)),
      target: { fps: 55, met: (all.fps ?? 0) >= 55 },
      pageErrors: errors,
    };
    await page.getByTestId('stop-button').click();
    await page.waitForSelector('[data-testid="session-status"]:has-text("finished")', { timeout: 120_000 });
    if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else printReport(report);
    return 0;
  } finally {
    await browser.close();
    await server.close();
    await core.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function printReport(report: {
  glRenderer: string | null;
  viewport: { width: number; height: number };
  fps: number | null;
  frameTimeMs: Record<string, number | null>;
  views: Record<string, { msPerFrame: number | null; shareOfFrameTime: number | null }>;
  outsideViewsMsPerFrame: number | null;
  mainThread: Record<string, number | null>;
  processCpu: Record<string, number | null>;
  alone?: Record<string, { fps: number | null }>;
}): void {
  const line = (text: string) => process.stdout.write(`${text}\n`);
  const f = report.frameTimeMs;
  line(`renderer          ${report.glRenderer ?? 'no WebGL'}`);
  line(`viewport          ${report.viewport.width}×${report.viewport.height}`);
  line(`fps               ${report.fps}`);
  line(`frame time (ms)   mean ${f.mean}, p50 ${f.p50}, p95 ${f.p95}, max ${f.max}`);
  for (const [view, v] of Object.entries(report.views))
    line(
      `  ${view.padEnd(16)}${String(v.msPerFrame).padStart(8)} ms/frame  (${Math.round((v.shareOfFrameTime ?? 0) * 100)} % of frame time)`,
    );
  line(`  ${'outside views'.padEnd(16)}${String(report.outsideViewsMsPerFrame).padStart(8)} ms/frame`);
  line(`main thread busy  ${JSON.stringify(report.mainThread)}`);
  line(`process CPU       ${JSON.stringify(report.processCpu)}`);
  if (report.alone)
    for (const [view, v] of Object.entries(report.alone)) line(`${view} alone`.padEnd(18) + `${v.fps} fps`);
}
