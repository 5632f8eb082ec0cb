// Globals the page may find: the Electron preload's bridge, and the read-only test probe.
import type { PreloadBridge } from '../../main/contract/bridge.ts';
import type { AimTestHook } from './test-hook.ts';

declare global {
  interface Window {
    aim?: PreloadBridge;
    __aimTest?: AimTestHook;
  }
}
