import { client, deptApi } from '../client.ts';
import type { ClientAction, ClientRegistration, ClientView } from '@shared/wire/clients.ts';

export const clients = () => client.get<{ items: ClientView[] }>(deptApi('/admin/clients'));
export const registerClient = (b: ClientRegistration) => client.post<ClientAction>(deptApi('/admin/clients'), b);
export const disableClient = (id: string) => client.post<ClientAction>(deptApi(`/admin/clients/${encodeURIComponent(id)}/disable`));
export const rotateClientKey = (id: string, publicKey: string) => client.post<ClientAction>(deptApi(`/admin/clients/${encodeURIComponent(id)}/rotate`), { publicKey });
export type { ClientAction, ClientRegistration, ClientView } from '@shared/wire/clients.ts';
