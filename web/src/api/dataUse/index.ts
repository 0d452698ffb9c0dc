import type { DataUsePage } from '@shared/wire/dataUse.ts';
import { client, deptApi } from '../client.ts';
import { qs } from '../query.ts';

export type { DataUseEntry, DataUsePage, Dept as DeptName } from '@shared/wire/dataUse.ts';

/** 数据使用记录: who used the signed-in enterprise's data, newest first. */
export const dataUse = (q: { limit?: number; offset?: number } = {}) => client.get<DataUsePage>(deptApi(`/me/data-use${qs(q)}`));
