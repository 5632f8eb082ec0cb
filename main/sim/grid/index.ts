// The grid room's public surface: the environment, its codes, hand-built layouts and the benchmark.
export { createGridEnv, GridEnv, GRID_DEFAULTS, type GridEnvConfig } from './env.ts';
export { benchGridSim, type GridBenchOptions, type GridBenchResult } from './bench.ts';
export { parseLayout } from './layout.ts';
export * from './codes.ts';
