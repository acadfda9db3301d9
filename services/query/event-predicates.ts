import type { EpcisEvent } from '../ledger/index.js';

// EPCIS 2.0 query parameters over fields the event index has no column for (EPCIS 2.0 section
// 8.2.7.1 and GS1's query-schema.json): quantities, error declarations, sensor data, persistent
// dispositions, transformation IDs and the dynamic families naming extension fields. Each becomes a
// predicate on the served event; event-query.ts tests them on the candidates the indexed
// conditions select, in sort order, so paging stays exact. Written here because no library
// evaluates EPCIS query parameters; the rules are the standard's, one function per family.

export type EventPredicate = (event: EpcisEvent) => boolean;
type Json = Record<string, unknown>;
type Op = 'EQ' | 'GT' | 'GE' | 'LT' | 'LE';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const objects = (v: unknown): Json[] => list(v).filter(isObject);

/** A CBV value or GS1 vocabulary term as its bare word, however it was written. */
export function bareTerm(value: unknown): string {
  if (typeof value !== 'string') return '';
  const m =
    /^(?:urn:epcglobal:cbv:[a-z]+:|https:\/\/ref\.gs1\.org\/cbv\/[A-Za-z]+-|https:\/\/gs1\.org\/voc\/[A-Za-z]+-|gs1:[A-Za-z]+-|cbv:[A-Za-z]+-|gs1:)(.+)$/.exec(
      value,
    );
  return m?.[1] ?? value;
}

function compare(op: Op, actual: unknown, wanted: string): boolean {
  if (actual === undefined || actual === null) return false;
  if (op === 'EQ') {
    if (typeof actual === 'object') return false;
    return String(actual) === wanted || bareTerm(String(actual)) === bareTerm(wanted);
  }
  let a: number;
  let b: number;
  if (typeof actual === 'number') {
    a = actual;
    b = Number(wanted);
  } else if (
    typeof actual === 'string' &&
    Number.isFinite(Date.parse(actual)) &&
    Number.isFinite(Date.parse(wanted))
  ) {
    a = Date.parse(actual);
    b = Date.parse(wanted);
  } else if (typeof actual === 'string' && actual !== '' && Number.isFinite(Number(actual))) {
    a = Number(actual);
    b = Number(wanted);
  } else {
    return false;
  }
  if (!Number.isFinite(b)) return false;
  return op === 'GT' ? a > b : op === 'GE' ? a >= b : op === 'LT' ? a < b : a <= b;
}

/** Any of the values (EQ: any value listed; others: the one bound) holds for any of the actuals. */
function holds(op: Op, actuals: unknown[], values: string[]): boolean {
  return actuals.some((a) =>
    list(a).some((x) =>
      op === 'EQ' ? values.some((v) => compare('EQ', x, v)) : compare(op, x, values[0] ?? ''),
    ),
  );
}

/** Every value of `field` nested anywhere inside `root` (the INNER_ families). */
function nested(root: unknown, field: string, out: unknown[] = []): unknown[] {
  for (const v of list(root)) {
    if (!isObject(v)) continue;
    for (const [k, x] of Object.entries(v)) {
      if (k === field) out.push(x);
      if (typeof x === 'object' && x !== null) nested(x, field, out);
    }
  }
  return out;
}

const quantityElements = (e: EpcisEvent): Json[] => [
  ...objects(e.quantityList),
  ...objects(e.childQuantityList),
  ...objects(e.inputQuantityList),
  ...objects(e.outputQuantityList),
];
const sensorElements = (e: EpcisEvent): Json[] => objects(e.sensorElementList);
const metadataOf = (e: EpcisEvent): Json[] => sensorElements(e).flatMap((s) => objects(s.sensorMetadata));
const reportsOf = (e: EpcisEvent): Json[] => sensorElements(e).flatMap((s) => objects(s.sensorReport));
const declarationOf = (e: EpcisEvent): Json => (isObject(e.errorDeclaration) ? e.errorDeclaration : {});

/** A predicate over the values some part of the event holds. */
const over =
  (op: Op, values: string[], read: (e: EpcisEvent) => unknown[]): EventPredicate =>
  (e) =>
    holds(op, read(e), values);

/** The fixed-name parameters this file answers, by name: the values are already split on |. */
export const FIXED_PREDICATES: Record<string, (values: string[]) => EventPredicate> = {
  EQ_persistentDisposition_set: (v) =>
    over('EQ', v, (e) => list(isObject(e.persistentDisposition) ? e.persistentDisposition.set : undefined)),
  EQ_persistentDisposition_unset: (v) =>
    over('EQ', v, (e) => list(isObject(e.persistentDisposition) ? e.persistentDisposition.unset : undefined)),
  EQ_transformationID: (v) => over('EQ', v, (e) => [e.transformationID]),
  GE_errorDeclarationTime: (v) => over('GE', v, (e) => [declarationOf(e).declarationTime]),
  LT_errorDeclarationTime: (v) => over('LT', v, (e) => [declarationOf(e).declarationTime]),
  EQ_errorReason: (v) => over('EQ', v, (e) => [declarationOf(e).reason]),
  EQ_correctiveEventID: (v) => over('EQ', v, (e) => list(declarationOf(e).correctiveEventIDs)),
  GE_startTime: (v) => over('GE', v, (e) => metadataOf(e).map((m) => m.startTime)),
  LT_startTime: (v) => over('LT', v, (e) => metadataOf(e).map((m) => m.startTime)),
  GE_endTime: (v) => over('GE', v, (e) => metadataOf(e).map((m) => m.endTime)),
  LT_endTime: (v) => over('LT', v, (e) => metadataOf(e).map((m) => m.endTime)),
  EQ_type: (v) => over('EQ', v, (e) => reportsOf(e).map((r) => r.type)),
  EQ_deviceID: (v) =>
    over('EQ', v, (e) => [...metadataOf(e).map((m) => m.deviceID), ...reportsOf(e).map((r) => r.deviceID)]),
  EQ_dataProcessingMethod: (v) =>
    over('EQ', v, (e) => [
      ...metadataOf(e).map((m) => m.dataProcessingMethod),
      ...reportsOf(e).map((r) => r.dataProcessingMethod),
    ]),
  EQ_microorganism: (v) => over('EQ', v, (e) => reportsOf(e).map((r) => r.microorganism)),
  EQ_chemicalSubstance: (v) => over('EQ', v, (e) => reportsOf(e).map((r) => r.chemicalSubstance)),
  EQ_bizRules: (v) => over('EQ', v, (e) => metadataOf(e).map((m) => m.bizRules)),
  EQ_stringValue: (v) => over('EQ', v, (e) => reportsOf(e).map((r) => r.stringValue)),
  EQ_hexBinaryValue: (v) =>
    over(
      'EQ',
      v.map((x) => x.toUpperCase()),
      (e) =>
        reportsOf(e).map((r) =>
          typeof r.hexBinaryValue === 'string' ? r.hexBinaryValue.toUpperCase() : undefined,
        ),
    ),
  EQ_uriValue: (v) => over('EQ', v, (e) => reportsOf(e).map((r) => r.uriValue)),
  EQ_booleanValue: (v) =>
    over('EQ', v, (e) =>
      reportsOf(e).map((r) => (typeof r.booleanValue === 'boolean' ? String(r.booleanValue) : undefined)),
    ),
};

for (const op of ['EQ', 'GT', 'GE', 'LT', 'LE'] as const) {
  FIXED_PREDICATES[`${op}_quantity`] = (v) =>
    over(op, v, (e) => [...quantityElements(e).map((q) => q.quantity), e.quantity]);
}

/** Parameters whose one value must be a number, and those whose value must be a date-time. */
export const NUMERIC =
  /^(?:EQ|GT|GE|LT|LE)_(?:quantity(?:_[A-Z0-9]{2,4})?|(?:value|minValue|maxValue|meanValue|sDev|percValue)_[A-Z0-9]{2,4})$/;
export const TIMES = /^(?:GE|LT)_(?:errorDeclarationTime|startTime|endTime)$/;
export const BOOLEAN = /^EQ_booleanValue$/;

const FIELD = '([a-z][a-zA-Z0-9]*:\\w+)';
const UOM = '([A-Z0-9]{2,4})';

/** The dynamic families of query-schema.json: a name pattern and the predicate it makes. */
const FAMILIES: Array<{ pattern: RegExp; make: (m: RegExpExecArray, values: string[]) => EventPredicate }> = [
  {
    pattern: /^EQ_(bizTransaction|source|destination)_([a-z][a-zA-Z0-9_]+)$/,
    make: ([, kind = '', type = ''], values) => {
      const listName = kind === 'bizTransaction' ? 'bizTransactionList' : `${kind}List`;
      return (e) =>
        objects(e[listName]).some(
          (x) => bareTerm(x.type) === bareTerm(type) && values.includes(String(x[kind])),
        );
    },
  },
  {
    pattern: new RegExp(`^(EQ|GT|GE|LT|LE)_(value|minValue|maxValue|meanValue|sDev|percValue)_${UOM}$`),
    make: ([, op = 'EQ', field = '', uom = ''], values) =>
      over(op as Op, values, (e) =>
        reportsOf(e)
          .filter((r) => r.uom === uom)
          .map((r) => r[field]),
      ),
  },
  {
    pattern: new RegExp(`^(EQ|GT|GE|LT|LE)_quantity_${UOM}$`),
    make: ([, op = 'EQ', uom = ''], values) =>
      over(op as Op, values, (e) =>
        quantityElements(e)
          .filter((q) => q.uom === uom)
          .map((q) => q.quantity),
      ),
  },
  {
    pattern: new RegExp(`^EQ_(INNER_)?(readPoint|bizLocation)_${FIELD}$`),
    make: ([, inner, where = '', field = ''], values) =>
      over('EQ', values, (e) => (inner ? nested(e[where], field) : objects(e[where]).map((x) => x[field]))),
  },
  {
    pattern: new RegExp(
      `^(EQ|GT|GE|LT|LE|EXISTS)_(INNER_)?(ILMD_|ERROR_DECLARATION_|SENSORELEMENT_|SENSORMETADATA_|SENSORREPORT_)?${FIELD}$`,
    ),
    make: ([, op = 'EQ', inner, part = '', field = ''], values) => {
      const roots = (e: EpcisEvent): unknown[] =>
        part === 'ILMD_'
          ? [e.ilmd]
          : part === 'ERROR_DECLARATION_'
            ? [declarationOf(e)]
            : part === 'SENSORELEMENT_'
              ? sensorElements(e)
              : part === 'SENSORMETADATA_'
                ? metadataOf(e)
                : part === 'SENSORREPORT_'
                  ? reportsOf(e)
                  : [e];
      const read = (e: EpcisEvent): unknown[] =>
        inner
          ? roots(e).flatMap((r) =>
              Object.entries(isObject(r) ? r : {})
                .filter(([k]) => k.includes(':'))
                .flatMap(([, x]) => nested(x, field)),
            )
          : roots(e).map((r) => (isObject(r) ? r[field] : undefined));
      if (op === 'EXISTS') return (e) => read(e).some((x) => x !== undefined);
      return over(op as Op, values, read);
    },
  },
];

/** Whether a name belongs to one of the dynamic families (EQ_ATTR_ and HASATTR_ included). */
export function isDynamicParameter(name: string): boolean {
  return /^(EQ_ATTR_\w+_\w+|HASATTR_\w+)$/.test(name) || FAMILIES.some((f) => f.pattern.test(name));
}

/** The predicate of a dynamic-family parameter, or undefined when the name is none of them. */
export function dynamicPredicate(name: string, values: string[]): EventPredicate | undefined {
  for (const f of FAMILIES) {
    const m = f.pattern.exec(name);
    if (m) return f.make(m, values);
  }
  return undefined;
}
