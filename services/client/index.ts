import createClient from 'openapi-fetch';
import type { paths } from '../../api/openapi.generated.js';

export type { components, operations, paths } from '../../api/openapi.generated.js';

/**
 * A typed client of a Waybill node for integrators (openapi-fetch over the generated types of
 * api/openapi.yaml): `client.POST('/capture', { body })`, `client.GET('/events/{eventID}/status', …)`.
 */
export function createWaybillClient(baseUrl: string, token?: string, fetchImpl?: typeof fetch) {
  return createClient<paths>({
    baseUrl,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

export type WaybillClient = ReturnType<typeof createWaybillClient>;
