import type { ImportJob, ImportRowError } from '@shared/licenceImport.ts';
import { client, deptApi } from '../client.ts';
import { qs } from '../query.ts';
import { uploadFile } from '../upload.ts';

export type { ImportJob, ImportRowError };

const I = (path = '') => deptApi(`/imports${path}`);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const imports = () => client.get<{ items: ImportJob[] }>(I());
export const importJob = (id: string) => client.get<{ job: ImportJob; errors: ImportRowError[] }>(I(`/${encodeURIComponent(id)}`));
export const startImport = (file: File, source: string, onProgress?: (f: number) => void) =>
  uploadFile<ImportJob>(I(qs({ source, name: file.name })), file, /\.xlsx$/i.test(file.name) ? XLSX : 'text/csv', onProgress);
export const templateUrl = (lang: string) => I(`/template.csv${qs({ lang })}`);
export const errorsUrl = (id: string, lang: string) => I(`/${encodeURIComponent(id)}/errors.csv${qs({ lang })}`);
