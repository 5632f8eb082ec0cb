#!/usr/bin/env node
// Launcher for the `aim` command: checks the Node version, then runs the TypeScript CLI directly
// (Node ≥ 22.18 strips types natively, so there is no build step for the core).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `aim needs Node 22.18 or newer, but this is Node ${process.versions.node}: run it through npm (npx aim, npm run aim) so the project's Node is used.`,
  );
  process.exit(1);
}
const { main } = await import('../main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
