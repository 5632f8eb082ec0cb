// `aim export <what>`: what was learned, in forms usable outside the app.
import { exportDatasetCommand, runExportDataset } from './export-dataset.ts';
import { commandGroup } from './groups.ts';

export const exportCommand = commandGroup(
  'export',
  'export datasets (HDF5, robomimic layout) for use outside the app',
  {
    dataset: { spec: exportDatasetCommand, run: runExportDataset },
    // policy: `aim export policy` (TF.js, safetensors + arch.json, ONNX) registers here.
  },
);
