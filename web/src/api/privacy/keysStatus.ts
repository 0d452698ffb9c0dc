import type { KeysStatus } from '@shared/keysProgress.ts';
import { client, deptApi } from '../client.ts';

export type { KeysProgress, KeysStatus } from '@shared/keysProgress.ts';

/** Whether privacy questions can be answered yet, and how far this machine is in making the keys. */
export const keysStatus = () => client.get<KeysStatus>(deptApi('/privacy/keys/status'));
