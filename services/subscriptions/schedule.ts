/**
 * GS1's query schedule (EPCIS 2.0 REST binding `schedule`, EPCIS 1.2 section 8.2.5.3 QuerySchedule):
 * each field is a comma-separated list of numbers and `[a-b]` ranges; a time matches when every
 * given field matches its part of the time, read in UTC (the time zone is the service's choice);
 * an omitted field matches any value. Cron-like, but GS1's grammar and fields (dayOfWeek 1 = Monday),
 * so no cron library reads it as GS1 means it; the grammar is small enough to parse here.
 */

export type ScheduleField = 'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek';

/** A query schedule as the client sends it (GS1's QueryScheduleSubscription.schedule). */
export type QuerySchedule = Partial<Record<ScheduleField, string>>;

const RANGES: Record<ScheduleField, [number, number]> = {
  second: [0, 59],
  minute: [0, 59],
  hour: [0, 23],
  dayOfMonth: [1, 31],
  month: [1, 12],
  dayOfWeek: [1, 7],
};

export const SCHEDULE_FIELDS = Object.keys(RANGES) as ScheduleField[];

/** A checked schedule: the allowed values of each given field (absent: any). */
export type CompiledSchedule = Partial<Record<ScheduleField, ReadonlySet<number>>>;

const ELEMENT = /^(?:(\d{1,2})|\[(\d{1,2})-(\d{1,2})\])$/;

/** Why a schedule is not one (field, message), or the compiled schedule. */
export function compileSchedule(
  schedule: unknown,
): { ok: true; schedule: CompiledSchedule } | { ok: false; field: string; message: string } {
  if (typeof schedule !== 'object' || schedule === null || Array.isArray(schedule))
    return { ok: false, field: '', message: `must be an object of ${SCHEDULE_FIELDS.join(', ')}` };
  const out: CompiledSchedule = {};
  for (const [name, value] of Object.entries(schedule)) {
    if (!(SCHEDULE_FIELDS as string[]).includes(name))
      return {
        ok: false,
        field: name,
        message: `is not a schedule field; use ${SCHEDULE_FIELDS.join(', ')}`,
      };
    const field = name as ScheduleField;
    const [min, max] = RANGES[field];
    const bad = {
      ok: false as const,
      field,
      message: `must be numbers and [a-b] ranges from ${min} to ${max}, separated by commas (e.g. "0", "1,15", "[1-5]")`,
    };
    if (typeof value !== 'string') return bad;
    const values = new Set<number>();
    for (const element of value.split(',')) {
      const m = ELEMENT.exec(element.trim());
      if (!m) return bad;
      const from = Number(m[1] ?? m[2]);
      const to = Number(m[1] ?? m[3]);
      if (from < min || to > max || from > to) return bad;
      for (let v = from; v <= to; v++) values.add(v);
    }
    out[field] = values;
  }
  return { ok: true, schedule: out };
}

const matches = (set: ReadonlySet<number> | undefined, v: number) => set === undefined || set.has(v);

const DAY_MS = 86_400_000;
/** Every combination of month, day and weekday recurs within 28 years (the Gregorian cycle repeats in 400). */
const HORIZON_DAYS = 366 * 28;

/**
 * The first time strictly after `after` (ms since the epoch) that the schedule matches, to the
 * second, or undefined if none comes (e.g. 31 February). Walks days, then the day's seconds, so a
 * daily schedule costs one day's scan, not 86,400 tries per day.
 */
export function nextRun(schedule: CompiledSchedule, after: number): number | undefined {
  const start = Math.floor(after / 1000) * 1000 + 1000;
  let day = Math.floor(start / DAY_MS) * DAY_MS;
  for (let i = 0; i <= HORIZON_DAYS; i++, day += DAY_MS) {
    const d = new Date(day);
    const weekday = ((d.getUTCDay() + 6) % 7) + 1; // GS1: 1 = Monday .. 7 = Sunday
    if (
      !matches(schedule.month, d.getUTCMonth() + 1) ||
      !matches(schedule.dayOfMonth, d.getUTCDate()) ||
      !matches(schedule.dayOfWeek, weekday)
    )
      continue;
    const time = firstTimeOfDay(schedule, day === Math.floor(start / DAY_MS) * DAY_MS ? start - day : 0);
    if (time !== undefined) return day + time;
  }
  return undefined;
}

/** The first matching second of a day at or after `from` ms into it. */
function firstTimeOfDay(schedule: CompiledSchedule, from: number): number | undefined {
  const fromSecond = Math.floor(from / 1000);
  for (let h = Math.floor(fromSecond / 3600); h < 24; h++) {
    if (!matches(schedule.hour, h)) continue;
    for (let m = 0; m < 60; m++) {
      if (!matches(schedule.minute, m)) continue;
      for (let s = 0; s < 60; s++) {
        const at = h * 3600 + m * 60 + s;
        if (at >= fromSecond && matches(schedule.second, s)) return at * 1000;
      }
    }
  }
  return undefined;
}
