import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileSchedule, nextRun, SCHEDULE_FIELDS } from '../../../services/subscriptions/index.js';

// GS1's query schedule (query-schedule.json in ../shared/epcis/schemas; EPCIS 1.2 section 8.2.5.3).

const SCHEMA = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/epcis/schemas/query-schedule.json',
);

function next(schedule: Record<string, string>, after: string): string | undefined {
  const compiled = compileSchedule(schedule);
  if (!compiled.ok) throw new Error(`${compiled.field}: ${compiled.message}`);
  const at = nextRun(compiled.schedule, Date.parse(after));
  return at === undefined ? undefined : new Date(at).toISOString();
}

describe('query schedule', () => {
  it("has GS1's fields", () => {
    const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as { properties: Record<string, unknown> };
    expect([...SCHEDULE_FIELDS].sort()).toEqual(Object.keys(schema.properties).sort());
  });

  it("finds the next time of GS1's examples", () => {
    // Once an hour on the hour.
    expect(next({ second: '0', minute: '0' }, '2026-11-30T12:00:00Z')).toBe('2026-11-30T13:00:00.000Z');
    expect(next({ second: '0', minute: '0' }, '2026-11-30T12:59:59.500Z')).toBe('2026-11-30T13:00:00.000Z');
    // Daily at 2:30 am.
    expect(next({ second: '0', minute: '30', hour: '2' }, '2026-11-30T12:00:00Z')).toBe(
      '2026-12-01T02:30:00.000Z',
    );
    // Hourly on weekdays (1 = Monday): Saturday 2026-12-05 -> Monday 2026-12-07.
    expect(next({ second: '0', minute: '0', dayOfWeek: '[1-5]' }, '2026-12-05T10:00:00Z')).toBe(
      '2026-12-07T00:00:00.000Z',
    );
    // Every second between 2:00:00 and 2:59:59.
    expect(next({ hour: '2' }, '2026-11-30T02:10:00Z')).toBe('2026-11-30T02:10:01.000Z');
    // GS1's REST binding example: 1.05 am (every second of that minute, as second is omitted).
    expect(next({ hour: '1', minute: '5' }, '2026-11-30T12:00:00Z')).toBe('2026-12-01T01:05:00.000Z');
    // Lists and ranges; months and days of the month.
    expect(next({ second: '0', minute: '0,30', hour: '[8-9]' }, '2026-11-30T09:30:00Z')).toBe(
      '2026-12-01T08:00:00.000Z',
    );
    expect(
      next({ second: '0', minute: '0', hour: '0', dayOfMonth: '29', month: '2' }, '2026-03-01T00:00:00Z'),
    ).toBe('2028-02-29T00:00:00.000Z');
    expect(next({ dayOfMonth: '31', month: '2' }, '2026-01-01T00:00:00Z')).toBeUndefined();
  });

  it('refuses what GS1 does not allow, naming the field', () => {
    const refused = (s: unknown) => {
      const c = compileSchedule(s);
      return c.ok ? undefined : c.field;
    };
    expect(refused({ second: '60' })).toBe('second');
    expect(refused({ hour: '[5-2]' })).toBe('hour');
    expect(refused({ dayOfWeek: '0' })).toBe('dayOfWeek');
    expect(refused({ month: '13' })).toBe('month');
    expect(refused({ minute: '*/5' })).toBe('minute');
    expect(refused({ minute: 5 })).toBe('minute');
    expect(refused({ year: '2026' })).toBe('year');
    expect(refused('hourly')).toBe('');
    expect(refused({})).toBeUndefined();
  });
});
