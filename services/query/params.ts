import { ErrorCode, WaybillError } from '../common/index.js';
import { EVENT_TYPES } from '../epcis/index.js';
import { CLASS_ROLES, IdRole, OBJECT_ROLES } from '../execution/index.js';
import type { Cursor, EventFilter, EventPageRequest, IdCondition, TimeRange } from '../storage/index.js';
import {
  BOOLEAN,
  dynamicPredicate,
  type EventPredicate,
  FIXED_PREDICATES,
  isDynamicParameter,
  NUMERIC,
  TIMES,
} from './event-predicates.js';
import { bizStepKey, dispositionKey, identifierKey, isUri, patternPrefix } from './identifiers.js';
import { decodePageToken } from './page-token.js';

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 1000;
/** Values of one pipe-separated parameter. */
export const MAX_VALUES = 100;

/** A query parameter problem: 400, code QUERY_PARAMETER_INVALID, type epcisException:QueryParameterException. */
export function queryParameterError(parameter: string, message: string): WaybillError {
  return new WaybillError(ErrorCode.QueryParameterInvalid, `${parameter}: ${message}`, { parameter });
}

type Apply = (filter: EventFilter, values: string[], name: string) => void;

const ACTIONS = ['ADD', 'OBSERVE', 'DELETE'];

function each(name: string, values: string[], convert: (v: string) => string | undefined, what: string) {
  return values.map((v) => convert(v) ?? fail(name, `'${v}' is not ${what}`));
}

function fail(name: string, message: string): never {
  throw queryParameterError(name, message);
}

const listOf =
  (key: keyof EventFilter, convert: (v: string) => string | undefined, what: string): Apply =>
  (filter, values, name) => {
    (filter as Record<string, unknown>)[key] = each(name, values, convert, what);
  };

/** ISO 8601 date-time with a zone, as EPCIS times are written. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

const time =
  (key: 'eventTime' | 'recordTime', bound: keyof TimeRange): Apply =>
  (filter, values, name) => {
    // An unencoded + in the query string arrives as a space: '10:00:00 02:00' meant +02:00.
    const value = (values[0] ?? '').replace(/ (\d{2}:\d{2})$/, '+$1');
    const ms = DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
    if (values.length !== 1 || !Number.isFinite(ms))
      fail(name, `'${values.join('|')}' is not one date-time with a time zone, e.g. 2026-04-20T10:00:00Z`);
    filter[key] = { ...filter[key], [bound]: ms };
  };

function identifiers(roles: IdRole[]): Apply {
  return (filter, values, name) => {
    const condition: IdCondition = { keys: [], prefixes: [], roles };
    for (const v of values) {
      const prefix = patternPrefix(v);
      if (prefix !== undefined) condition.prefixes.push(prefix);
      else condition.keys.push(identifierKey(v) ?? fail(name, `'${v}' is not a valid identifier`));
    }
    filter.ids = [...(filter.ids ?? []), condition];
  };
}

const locationKey = (v: string) => (v.startsWith('urn:epc:idpat:') ? undefined : identifierKey(v));

const within =
  (field: 'readPoint' | 'bizLocation'): Apply =>
  (filter, values, name) => {
    filter.within = { ...filter.within, [field]: each(name, values, locationKey, 'a location identifier') };
  };

function addPredicate(filter: EventFilter, predicate: EventPredicate): void {
  filter.predicates = [...(filter.predicates ?? []), predicate];
}

/** Values of parameters GS1 types as a number, a date-time or a boolean are checked before use. */
function checkScalar(name: string, values: string[]): void {
  const one = values.length === 1 ? values[0] : undefined;
  if (NUMERIC.test(name) && !(one !== undefined && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(one)))
    fail(name, `'${values.join('|')}' is not one number`);
  if (TIMES.test(name) && !(one !== undefined && DATE_TIME.test(one.replace(/ (\d{2}:\d{2})$/, '+$1'))))
    fail(name, `'${values.join('|')}' is not one date-time with a time zone`);
  if (BOOLEAN.test(name) && one !== 'true' && one !== 'false') fail(name, 'must be true or false');
}

const predicate =
  (make: (values: string[]) => EventPredicate): Apply =>
  (filter, values, name) => {
    checkScalar(name, values);
    const vs = TIMES.test(name) ? values.map((v) => v.replace(/ (\d{2}:\d{2})$/, '+$1')) : values;
    addPredicate(filter, make(vs));
  };

/** EQ_ATTR_<field>_<attribute>: master data attributes of the locations an event names. */
function attribute(filter: EventFilter, values: string[], name: string): void {
  const m = /^EQ_ATTR_(readPoint|bizLocation)_(\w+)$/.exec(name);
  if (!m) fail(name, 'this node answers EQ_ATTR_ for the fields readPoint and bizLocation');
  const [, field, attr] = m as unknown as [string, 'readPoint' | 'bizLocation', string];
  filter.attributes = [...(filter.attributes ?? []), { field, attr, values }];
}

/** A parameter of the dynamic families of GS1's query-schema.json. */
function dynamic(filter: EventFilter, values: string[], name: string): void {
  if (name.startsWith('EQ_ATTR_')) {
    attribute(filter, values, name);
    return;
  }
  if (name.startsWith('HASATTR_')) fail(name, 'HASATTR_ is not answered by this node');
  if (name.startsWith('EXISTS_') && !(values.length === 1 && ['', 'true'].includes(values[0] ?? '')))
    fail(name, 'takes no value or true');
  checkScalar(name, values);
  const made = dynamicPredicate(name, values);
  if (!made) fail(name, 'unknown query parameter');
  addPredicate(filter, made);
}

/**
 * The EPCIS 2.0 simple event query parameters this node answers, by their exact names. Checked
 * here rather than by an ajv querystring schema: a parsed querystring has already merged repeated
 * names (which must be refused), values are |-separated lists checked one by one against the CBV
 * and identifier syntax and made canonical, and each failure must name its parameter.
 */
const FILTERS: Record<string, Apply> = {
  eventType: listOf('eventType', (v) => (EVENT_TYPES.includes(v as never) ? v : undefined), 'an event type'),
  GE_eventTime: time('eventTime', 'ge'),
  LT_eventTime: time('eventTime', 'lt'),
  GE_recordTime: time('recordTime', 'ge'),
  LT_recordTime: time('recordTime', 'lt'),
  EQ_action: listOf('action', (v) => (ACTIONS.includes(v) ? v : undefined), 'ADD, OBSERVE or DELETE'),
  EQ_bizStep: listOf('bizStep', bizStepKey, 'a CBV bizStep or a URI'),
  EQ_disposition: listOf('disposition', dispositionKey, 'a CBV disposition or a URI'),
  EQ_readPoint: listOf('readPoint', locationKey, 'a location identifier'),
  EQ_bizLocation: listOf('bizLocation', locationKey, 'a location identifier'),
  MATCH_epc: identifiers([IdRole.Epc, IdRole.Child]),
  MATCH_parentID: identifiers([IdRole.Parent]),
  MATCH_inputEPC: identifiers([IdRole.Input]),
  MATCH_outputEPC: identifiers([IdRole.Output]),
  MATCH_anyEPC: identifiers(OBJECT_ROLES),
  MATCH_epcClass: identifiers([IdRole.Class]),
  MATCH_anyEPCClass: identifiers(CLASS_ROLES),
  MATCH_inputEPCClass: identifiers([IdRole.InputClass]),
  MATCH_outputEPCClass: identifiers([IdRole.OutputClass]),
  WD_readPoint: within('readPoint'),
  WD_bizLocation: within('bizLocation'),
  ...Object.fromEntries(Object.entries(FIXED_PREDICATES).map(([name, make]) => [name, predicate(make)])),
  EQ_eventID: listOf('eventID', (v) => (isUri(v) ? v : undefined), 'a URI'),
  EXISTS_errorDeclaration: (filter, values, name) => {
    const [value = ''] = values;
    if (values.length !== 1 || !['', 'true', 'false'].includes(value))
      fail(name, 'takes no value, true or false');
    filter.errorDeclaration = value !== 'false';
  },
};

const PAGING = ['orderBy', 'orderDirection', 'perPage', 'nextPageToken', 'eventCountLimit', 'maxEventCount'];

/** Every parameter name GET /events accepts. */
export const EVENT_QUERY_PARAMETERS: readonly string[] = [...Object.keys(FILTERS), ...PAGING];

export type Pairs = ReadonlyArray<readonly [string, string]>;

export interface ParsedQuery {
  request: EventPageRequest;
  /** The parameters that define the result set (no perPage, no nextPageToken), in the order given. */
  defining: Array<[string, string]>;
  perPage: number;
  /** At most this many events over every page (EPCIS eventCountLimit). */
  eventCountLimit?: number;
  /** More matching events than this is QueryTooLargeException (EPCIS maxEventCount). */
  maxEventCount?: number;
  /** Events served on the pages before this one. */
  servedBefore: number;
}

/**
 * Whether `name` is an EPCIS event query parameter: one of the fixed names or of the dynamic
 * families of GS1's query-schema.json (EQ_ATTR_, EQ_INNER_, EQ_value_CEL, EQ_example:field, ...).
 */
export function isEventQueryParameter(name: string): boolean {
  return EVENT_QUERY_PARAMETERS.includes(name) || isDynamicParameter(name);
}

/** Pairs of a raw query string, names and values percent-decoded; a repeated name is an error. */
export function queryPairs(search: string, allowed: readonly string[]): Array<[string, string]> {
  const pairs = [...new URLSearchParams(search)];
  const seen = new Set<string>();
  // A list of event query parameters (it holds EQ_eventID) also admits the dynamic families.
  const dynamicToo = allowed.includes('EQ_eventID');
  for (const [name] of pairs) {
    if (!allowed.includes(name) && !(dynamicToo && isDynamicParameter(name)))
      fail(name, 'unknown query parameter');
    if (seen.has(name)) fail(name, 'given more than once; separate values with |');
    seen.add(name);
  }
  return pairs;
}

function split(name: string, value: string): string[] {
  if (value.length > MAX_VALUES * 2048) fail(name, 'value too long');
  const exists = name.startsWith('EXISTS_');
  const values = exists ? [value] : value.split('|');
  if (values.length > MAX_VALUES) fail(name, `at most ${MAX_VALUES} values`);
  if (values.some((v) => v === '' && !exists)) fail(name, 'empty value');
  return values;
}

export function perPageOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PER_PAGE;
  const n = /^\d{1,7}$/.test(value) ? Number(value) : 0;
  if (n < 1 || n > MAX_PER_PAGE) fail('perPage', `must be an integer from 1 to ${MAX_PER_PAGE}`);
  return n;
}

/**
 * A simple event query from its parameters (already checked for unknown and repeated names).
 * `scope` names the resource (path, named query) a page token is valid for, `org` the caller's
 * org it was issued to; the filter itself does not say whose events (QueryBackend.events does).
 */
export function parseEventQuery(pairs: Pairs, scope: string, org: string): ParsedQuery {
  const filter: EventFilter = {};
  const get = (name: string) => pairs.find(([n]) => n === name)?.[1];
  const defining: Array<[string, string]> = [];
  for (const [name, value] of pairs) {
    const apply = FILTERS[name];
    if (apply) apply(filter, split(name, value), name);
    else if (isDynamicParameter(name)) dynamic(filter, split(name, value), name);
    if (name !== 'perPage' && name !== 'nextPageToken') defining.push([name, value]);
  }
  const orderByValue = get('orderBy');
  if (orderByValue !== undefined && orderByValue !== 'eventTime' && orderByValue !== 'recordTime')
    fail('orderBy', 'must be eventTime or recordTime');
  const direction = get('orderDirection');
  if (direction !== undefined && direction !== 'ASC' && direction !== 'DESC')
    fail('orderDirection', 'must be ASC or DESC');
  // EPCIS: orderDirection defaults to DESC for orderBy; without orderBy, ledger order, oldest first.
  const orderBy = orderByValue ?? 'ledger';
  const descending = direction === undefined ? orderByValue !== undefined : direction === 'DESC';
  const perPage = perPageOf(get('perPage'));
  const count = (name: string) => {
    const v = get(name);
    if (v === undefined) return undefined;
    if (!/^\d{1,9}$/.test(v) || Number(v) < 1) fail(name, 'must be a positive integer');
    return Number(v);
  };
  const eventCountLimit = count('eventCountLimit');
  const maxEventCount = count('maxEventCount');
  if (eventCountLimit !== undefined && maxEventCount !== undefined)
    fail('eventCountLimit', 'excludes maxEventCount; give one of them');
  const token = get('nextPageToken');
  let after: Cursor | undefined;
  let servedBefore = 0;
  if (token !== undefined) {
    // The third element counts the events served on earlier pages, for eventCountLimit.
    const binding = { scope, org, defining };
    let position: number[];
    try {
      position = decodePageToken(token, binding, ['integer', 'integer', 'integer']) as number[];
    } catch {
      // A token of a query page without a served count (before eventCountLimit existed).
      position = decodePageToken(token, binding, ['integer', 'integer']) as number[];
    }
    const [value, seq, served] = position;
    after = { value: value ?? 0, seq: seq ?? 0 };
    servedBefore = served ?? 0;
  }
  // eventCountLimit bounds the events of every page together: this page takes what is left.
  const limit = eventCountLimit === undefined ? perPage : Math.min(perPage, eventCountLimit - servedBefore);
  if (limit < 1) fail('nextPageToken', 'eventCountLimit is reached; there is no further page');
  return {
    request: { filter, orderBy, descending, limit, after },
    defining,
    perPage,
    eventCountLimit,
    maxEventCount,
    servedBefore,
  };
}
