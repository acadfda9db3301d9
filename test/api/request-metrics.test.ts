import { describe, expect, it } from 'vitest';
import { parsePrometheus } from '../support/metrics.js';
import { harness } from './support.js';

describe('request metrics', () => {
  it('counts requests by OpenAPI operationId and status, with their durations', async () => {
    const h = await harness();
    const token = await h.token({ roles: ['events:read'] });
    await h.call({ url: '/healthz' });
    await h.call({ url: '/healthz' });
    await h.call({ url: '/events/urn:x:1', token });
    await h.call({ url: '/events/urn:x:1/status' });
    await h.call({ url: '/no/such/route' });
    await h.call({ url: '/events/%E0%A4%A' }); // refused before routing
    const res = await h.call({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    const samples = parsePrometheus(res.body);
    expect(samples.get('waybill_http_requests_total{operation="getHealth",status="200"}')).toBe(2);
    expect(samples.get('waybill_http_requests_total{operation="getEvent",status="404"}')).toBe(1);
    expect(samples.get('waybill_http_requests_total{operation="getEventStatus",status="401"}')).toBe(1);
    expect(samples.get('waybill_http_requests_total{operation="unknown",status="404"}')).toBe(1);
    expect(samples.get('waybill_http_requests_total{operation="unknown",status="400"}')).toBe(1);
    expect(samples.get('waybill_http_request_duration_seconds_count{operation="getHealth"}')).toBe(2);
    // The eventID never becomes a label value.
    expect(res.body).not.toContain('urn:x:1');
  });
});
