// The paper's learning curves from a benchmark's runs: success rate and crash rate against
// expert-involved steps, per method the mean over seeds with a band of ± one standard deviation.
// SVG is written directly; PNG is the same SVG rendered by Chromium (playwright-core), a real
// renderer, where one is installed.
import { existsSync } from 'node:fs';
import type * as Playwright from 'playwright-core';
import {
  methodCurve,
  methodName,
  type BenchmarkResults,
  type CurveMetric,
} from '../../contract/benchmark.ts';
import type { Method } from '../../contract/session-config.ts';
import { lineChartSvg, type Series } from '../report/svg-chart.ts';

const COLORS: Record<Method, string> = {
  aim: '#d62728',
  bc: '#7f7f7f',
  'hg-dagger': '#2ca02c',
  pvp: '#1f77b4',
  'pvp-td3': '#17becf',
  'ensemble-dagger': '#9467bd',
  'thrifty-dagger': '#ff7f0e',
  'thrifty-dagger-original': '#8c564b',
};

const TITLES: Record<CurveMetric, string> = {
  successRate: 'Test success rate',
  crashRate: 'Test crash rate',
};

export function curveSvg(results: BenchmarkResults, metric: CurveMetric): string {
  const series: Series[] = results.config.methods
    .map((method) => ({ method, curve: methodCurve(results, method, metric) }))
    .filter(({ curve }) => curve.length > 0)
    .map(({ method, curve }) => ({
      name: methodName(method),
      color: COLORS[method],
      points: curve.map((p) => [p.expertSteps, p.mean] as const),
      band: curve.map(
        (p) => [p.expertSteps, Math.max(0, p.mean - p.std), Math.min(1, p.mean + p.std)] as const,
      ),
    }));
  const { suite, seeds } = results.config;
  return lineChartSvg({
    title: `${TITLES[metric]} (${suite} suite, mean ± std over ${seeds} seeds)`,
    xLabel: 'expert-involved steps',
    yLabel: TITLES[metric].toLowerCase(),
    series,
    yRange: [0, 1],
    width: 720,
    height: 440,
  });
}

/**
 * Renders SVG files to PNG with Chromium at twice their size. Returns null when done, or why PNGs
 * were not made (no Chromium, or no playwright-core), so the caller can say so and carry on.
 */
export async function renderPngs(
  files: ReadonlyArray<{ svg: string; png: string; width: number; height: number }>,
  executablePath: string,
): Promise<string | null> {
  if (!existsSync(executablePath)) return `Chromium is not at ${executablePath}`;
  let playwright: typeof Playwright;
  try {
    playwright = await import('playwright-core');
  } catch {
    return 'the playwright-core package is not installed';
  }
  const browser = await playwright.chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    for (const file of files) {
      const page = await browser.newPage({
        viewport: { width: file.width, height: file.height },
        deviceScaleFactor: 2,
      });
      await page.goto(`file://${file.svg}`);
      await page.screenshot({ path: file.png, clip: { x: 0, y: 0, width: file.width, height: file.height } });
      await page.close();
    }
    return null;
  } finally {
    await browser.close();
  }
}
