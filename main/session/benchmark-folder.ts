// Opens a benchmark's results folder for the workstation's results view: its results.json, checked
// against the contract's schema, so the view only ever gets results it can draw.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { benchmarkResultsSchema, type BenchmarkResponses } from '../contract/benchmark.ts';

export class BenchmarkFolderError extends Error {
  override name = 'BenchmarkFolderError';
}

export function openBenchmarkFolder(folder: string): BenchmarkResponses['benchmark.open'] {
  const file = path.join(path.resolve(folder), 'results.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new BenchmarkFolderError(
      `${folder} holds no results.json: open the folder an aim benchmark run wrote (its --out)`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new BenchmarkFolderError(`${file} is not JSON`);
  }
  const parsed = benchmarkResultsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BenchmarkFolderError(
      `${file} is not benchmark results this version can read (${issue.path.join('.') || 'the file'}: ${issue.message})`,
    );
  }
  return { ...parsed.data, folder: path.resolve(folder) };
}
