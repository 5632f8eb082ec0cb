// `aim bench input`: how quickly a wheel reaches the car. Chromium (playwright-core) opens browser
// mode over the real core with a scripted G29 in place of navigator.getGamepads (scripted-wheel.ts)
// and starts a real-time session in which a person drives (a warm-up longer than the run). Every
// 370 ms the wheel jumps to a new steering value; the page notes when the renderer's sampler first
// polled it, the core notes when the simulator stepped with it (the frame the runner emits right
// after env.step). Latency = the difference, on the two processes' performance.timeOrigin + now()
// (both the system clock, same machine). Also reported: the sampling rate the renderer achieved
// (samples sent per second) against the 200 Hz it asks for and the 120 Hz floor.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeFrame } from '../../contract/frame.ts';
import { Workstation } from '../../session/workstation.ts';
import { startServer } from '../../server/server.ts';
import { parseFlags, type CommandSpec } from '../args.ts';
import { RENDERER_DIR } from '../paths.ts';
import { installScriptedWheel, type ScriptedWheel, type SteerChange } from '../scripted-wheel.ts';
import { round } from './bench-ui-summary.ts';
import { browserBench, CHROMIUM_FLAG, fillField } from './bench-browser.ts';

export const benchInputCommand = {
  name: 'bench input',
  summary: 'latency from a wheel sample to the action applied in the simulator, and the sampling rate',
  usage: 'aim bench input [--seconds N] [--env toy|driving] [--chromium PATH] [--json]',
  flags: {
    seconds: { type: 'integer', min: 2, max: 3600, default: 20, description: 'Measured seconds.' },
    env: { type: 'string', choices: ['toy', 'driving'], default: 'toy', description: 'Environment.' },
    chromium: CHROMIUM_FLAG,
    json: { type: 'boolean', description: 'Print one JSON object.' },
  },
  examples: ['aim bench input --json', 'aim bench input --seconds 60 --env driving --json'],
} satisfies CommandSpec;

type BenchWindow = {
  __wheel: ScriptedWheel;
  __aimTest?: { inputSent(): number; frames(): number };
  performance: { now(): number };
};

/** Decision periods a target allows: one period (100 ms) plus 10 ms. */
const TARGET_P99_MS = 110;
const TARGET_SAMPLING_HZ = 120;
const STALE_LIMIT_MS = 2000;

/** The p-quantile (nearest rank) of sorted values; NaN when there are none (round() makes it null). */
function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i];
}

export async function runBenchInput(argv: string[]): Promise<number> {
  const flags = parseFlags(benchInputCommand, argv);
  const { playwright, executablePath } = await browserBench('aim bench input', flags.chromium);

  const scratch = mkdtempSync(path.join(os.tmpdir(), 'aim-bench-input-'));
  const core = Workstation.open({ dbPath: path.join(scratch, 'bench.db'), host: 'browser' });
  // When the simulator first stepped with each steering value (epoch ms, this process's clock).
  const applied = new Map<number, number>();
  core.subscribe({
    frame(data) {
      const at = performance.timeOrigin + performance.now();
      const steer = decodeFrame(data).applied[0];
      if (!applied.has(steer)) applied.set(steer, at);
    },
    event() {},
  });
  const server = await startServer({ core, port: 0, staticDir: RENDERER_DIR });
  const browser = await playwright.chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-sync',
      '--enable-unsafe-swiftshader',
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await context.addInitScript(installScriptedWheel);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId('new-session-button').click();
    const fill = (id: string, value: string) => fillField(page, id, value);
    await fill('env-select', flags.env);
    await fill('expert-select', 'person');
    await fill('pace-select', 'realtime');
    // The person drives the whole run: a warm-up far longer than it.
    await fill('warmup-input', '1000000');
    await fill('operator-input', 'aim bench input');
    // A loaded machine stalls the page for longer than the 200 ms fail-safe; the run must not pause.
    await fill('expert-stale-input-ms-input', String(STALE_LIMIT_MS));
    await page.evaluate(() => {
      (globalThis as unknown as BenchWindow).__wheel.program = 'steps';
    });
    await page.getByTestId('start-button').click();
    await page
      .getByTestId('session-status')
      .filter({ hasText: 'running' })
      .waitFor({ timeout: 60_000 })
      .catch(async () => {
        throw new Error(
          `the session did not start: ${(await page.getByTestId('message-line').textContent()) ?? ''}`,
        );
      });
    await page
      .waitForFunction(
        () => ((globalThis as unknown as BenchWindow).__aimTest?.frames() ?? 0) >= 10,
        undefined,
        {
          timeout: 120_000,
          polling: 100,
        },
      )
      .catch(async (error: Error) => {
        const sent = await page.evaluate(() => (globalThis as unknown as BenchWindow).__aimTest?.inputSent());
        throw new Error(
          `${error.message}: status ${await page.getByTestId('session-status').textContent()}, message "${await page.getByTestId('message-line').textContent()}", ${sent} samples sent`,
        );
      });
    const start = await page.evaluate(() => {
      const g = globalThis as unknown as BenchWindow;
      return {
        now: g.performance.now(),
        sent: g.__aimTest!.inputSent(),
        frames: g.__aimTest!.frames(),
        changes: g.__wheel.changes.length,
      };
    });
    await page.waitForTimeout(flags.seconds * 1000);
    const end = await page.evaluate(() => {
      const g = globalThis as unknown as BenchWindow;
      return {
        now: g.performance.now(),
        sent: g.__aimTest!.inputSent(),
        frames: g.__aimTest!.frames(),
        changes: g.__wheel.changes,
      };
    });
    await page.getByTestId('stop-button').click();
    await page.waitForSelector('[data-testid="session-status"]:text("finished")', { timeout: 60_000 });

    const measured: SteerChange[] = end.changes.slice(start.changes, -1);
    const latencies = measured
      .filter((c) => c.polledAt !== null && applied.has(c.steer))
      .map((c) => applied.get(c.steer)! - c.polledAt!)
      .sort((a, b) => a - b);
    const wallS = (end.now - start.now) / 1000;
    const samplingHz = (end.sent - start.sent) / wallS;
    const report = {
      bench: 'input',
      env: flags.env,
      seconds: round(wallS, 1),
      latencyMs: {
        changes: measured.length,
        matched: latencies.length,
        p50: round(quantile(latencies, 0.5), 1),
        p99: round(quantile(latencies, 0.99), 1),
        max: round(latencies[latencies.length - 1] ?? Number.NaN, 1),
        targetP99: TARGET_P99_MS,
      },
      sampling: {
        requestedHz: 200,
        achievedHz: round(samplingHz, 1),
        targetHz: TARGET_SAMPLING_HZ,
      },
      decisionsPerSecond: round((end.frames - start.frames) / wallS, 2),
      staleInputLimitMs: STALE_LIMIT_MS,
      cpus: os.cpus().length,
      loadAverage1m: round(os.loadavg()[0], 2),
      note: 'latency = first renderer poll that saw a new steering value → the simulator step that applied it; both clocks are performance.timeOrigin + now() on this machine',
    };
    if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else
      process.stdout.write(
        `input latency p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms over ${latencies.length} changes (target p99 ≤ ${TARGET_P99_MS} ms); sampling ${report.sampling.achievedHz} Hz (target ≥ ${TARGET_SAMPLING_HZ} Hz)\n`,
      );
    return 0;
  } finally {
    await browser.close();
    await server.close();
    await core.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
