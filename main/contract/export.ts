// The export half of the contract: what the UI's export buttons and its "start from a policy" action
// call. Paths are paths on the machine the core runs on (typed, or from a save dialog); the core
// refuses existing targets unless force is set, and replaces only what an earlier export wrote.
import { z } from 'zod';

const sessionId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const corePath = z.string().min(1).max(4096);

export const exportCommandSchemas = {
  /** A session's novice as a policy folder (TF.js, safetensors + arch.json, ONNX): aim export policy. */
  'export.policy': z
    .object({
      sessionId,
      /** An actor checkpoint's id; the session's latest when left out. */
      checkpointId: sessionId.optional(),
      out: corePath,
      force: z.boolean().default(false),
    })
    .strict(),
  /** A session's steps as HDF5 in the robomimic layout: aim export dataset. */
  'export.dataset': z
    .object({
      sessionId,
      out: corePath,
      onlyTakeovers: z.boolean().default(false),
      force: z.boolean().default(false),
    })
    .strict(),
  /**
   * Reads and checks an exported policy folder (every file, and its fit to its environment) and says
   * what it holds; a new session starts from it with session.start's initialPolicy.
   */
  'policy.inspect': z.object({ folder: corePath }).strict(),
} as const;

export interface PolicyExportSummary {
  folder: string;
  sessionId: number;
  checkpoint: { id: number; step: number; expertSteps: number };
  /** Each file's size in bytes. */
  files: Record<string, number>;
  bytes: number;
  seconds: number;
}

export interface DatasetExportSummary {
  file: string;
  sessionId: number;
  content: 'episodes' | 'takeovers';
  demos: number;
  samples: number;
  interventions: number;
  obsDim: number;
  actionDim: number;
  bytes: number;
  /** The session was still being recorded: the file holds the steps so far. */
  sessionRunning: boolean;
}

export interface PolicyInfo {
  folder: string;
  /** The environment it acts in (the one it was trained in). */
  env: string;
  observationShape: number[];
  action: { kind: 'box'; shape: number[]; low: number; high: number } | { kind: 'discrete'; n: number };
  /** The network as PyTorch would spell it. */
  network: string;
  session: number | null;
  checkpoint: { id: number; step: number } | null;
  /** The success rate the session measured for this policy when it was saved, if any. */
  successRate: number | null;
  exportedAt: string;
}

export interface ExportResponses {
  'export.policy': PolicyExportSummary;
  'export.dataset': DatasetExportSummary;
  'policy.inspect': PolicyInfo;
}
