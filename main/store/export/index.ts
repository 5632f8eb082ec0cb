// Exports that leave the app: demonstration datasets (HDF5, robomimic layout) and database backups.
export { exportDataset, type DatasetExportOptions, type DatasetExportResult } from './dataset.ts';
export { backupDatabase, type BackupOptions, type BackupResult } from './backup.ts';
export { ExportError, type ExportErrorCode } from './errors.ts';
