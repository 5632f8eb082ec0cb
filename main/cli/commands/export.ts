// `aim export <what>`: what was learned, in forms usable outside the app.
import { exportDatasetCommand, runExportDataset } from './export-dataset.ts';
import { exportPolicyCommand, runExportPolicy } from './export-policy.ts';
import { commandGroup } from './groups.ts';

export const exportCommand = commandGroup(
  'export',
  'export datasets (HDF5, robomimic layout) and policies (TF.js, safetensors, ONNX) for use outside the app',
  {
    dataset: { spec: exportDatasetCommand, run: runExportDataset },
    policy: { spec: exportPolicyCommand, run: runExportPolicy },
  },
);
