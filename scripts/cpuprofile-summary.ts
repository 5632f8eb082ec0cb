// Where a run's time goes: reads the V8 CPU profiles `node --cpu-prof` wrote (one per thread: the
// session loop's and the learner's) and prints, as JSON, each thread's sampled time split by what
// the code is: TF.js WebAssembly kernels, TF.js JavaScript (graph, autodiff, optimizer), the
// simulator, the experts, the store (SQLite), the rest of the workstation's code, and V8's own
// (garbage collection, idle, program).
//   node scripts/cpuprofile-summary.ts DIR
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function category({ functionName, url }: ProfileNode['callFrame']): string {
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)' || functionName === '(root)') return 'v8 program';
  if (
    url.includes('tfjs-backend-wasm') ||
    url.startsWith('wasm://') ||
    functionName.startsWith('wasm-function')
  )
    return 'tfjs wasm kernels';
  if (url.includes('@tensorflow')) return 'tfjs javascript';
  if (url.includes('/main/sim/')) return 'simulator';
  if (url.includes('/main/experts/')) return 'experts';
  if (url.includes('/main/store/') || url.includes('better-sqlite3')) return 'store (sqlite)';
  if (url.includes('/main/learn/')) return 'learn (own code)';
  if (url.includes('/main/')) return 'session, contract, cli';
  if (url === '') return 'native / builtins';
  return 'other javascript';
}

function summarise(file: string) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const ms = new Map<string, number>();
  const functions = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    const what = category(node.callFrame);
    ms.set(what, (ms.get(what) ?? 0) + delta);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${path.basename(node.callFrame.url)}`;
    functions.set(name, (functions.get(name) ?? 0) + delta);
  });
  const total = [...ms.values()].reduce((a, b) => a + b, 0);
  const busy = total - (ms.get('idle') ?? 0);
  const share = (value: number) => Number(((100 * value) / busy).toFixed(1));
  return {
    file: path.basename(file),
    wallSeconds: Number(((profile.endTime - profile.startTime) / 1e6).toFixed(1)),
    sampledBusySeconds: Number((busy / 1000).toFixed(1)),
    idleSeconds: Number(((ms.get('idle') ?? 0) / 1000).toFixed(1)),
    percentOfBusy: Object.fromEntries(
      [...ms.entries()]
        .filter(([what]) => what !== 'idle')
        .sort(([, a], [, b]) => b - a)
        .map(([what, value]) => [what, share(value)]),
    ),
    topFunctions: [...functions.entries()]
      .filter(([name]) => !name.startsWith('(idle)'))
      .sort(([, a], [, b]) => b - a)
      .slice(0, 12)
      .map(([name, value]) => ({ name, percentOfBusy: share(value) })),
  };
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node scripts/cpuprofile-summary.ts DIR (the folder node --cpu-prof wrote)\n');
  process.exit(2);
}
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.cpuprofile'))
  .map((name) => path.join(dir, name));
process.stdout.write(`${JSON.stringify(files.map(summarise), null, 2)}\n`);
