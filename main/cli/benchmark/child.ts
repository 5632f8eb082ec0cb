// The worker process of `aim benchmark`: runs one (method, seed) pair, reports its progress to the
// parent over IPC, and writes its result file itself (so it survives the parent being stopped).
// Started by the parent as: node child.ts '<RunSpec JSON>' <result file>
import { runPair, type RunProgress, type RunSpec } from './run.ts';
import { writeFileAtomic } from './folder.ts';

export type ChildMessage = { type: 'progress'; progress: RunProgress } | { type: 'done' };

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const [specText, resultFile] = process.argv.slice(2);
  const spec = JSON.parse(specText) as RunSpec;
  let lastSent = 0;
  const result = await runPair(spec, (progress) => {
    const now = performance.now();
    if (now - lastSent < 500) return;
    lastSent = now;
    send({ type: 'progress', progress });
  });
  writeFileAtomic(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  send({ type: 'done' });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
