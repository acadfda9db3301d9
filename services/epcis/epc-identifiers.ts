import {
  CS39_CHARS,
  classRequired,
  digitsProblem,
  type IdentifierProblem,
  type IdentifierRole,
  IdentifierRule,
  instanceRequired,
  own,
  problem,
  textProblem,
} from './identifier-checks.js';

// ---------------------------------------------------------------------------------------------
// EPC URIs (Tag Data Standard 2.x, section 6)

/** One '.'-separated field of an EPC URI body. */
export type EpcField =
  | { kind: 'companyPrefix' }
  /** Digits that with the company prefix make `total` digits (item reference, serial reference, …). */
  | { kind: 'reference'; name: string; total: number }
  | { kind: 'text'; name: string; min: number; max: number }
  /** Free text whose length adds up with the company prefix to at most `total`. */
  | { kind: 'rest'; name: string; total: number; chars?: RegExp }
  | { kind: 'digits'; name: string; min: number; max: number };

export const cp: EpcField = { kind: 'companyPrefix' };
export const reference = (name: string, total: number): EpcField => ({ kind: 'reference', name, total });
export const text = (name: string, min: number, max: number): EpcField => ({ kind: 'text', name, min, max });
export const rest = (name: string, total: number, chars?: RegExp): EpcField =>
  chars ? { kind: 'rest', name, total, chars } : { kind: 'rest', name, total };
export const digits = (name: string, min: number, max: number): EpcField => ({
  kind: 'digits',
  name,
  min,
  max,
});

/** GS1 key schemes: urn:epc:id:<scheme>:<fields>, the last field free text that may hold dots. */
export const EPC_ID_SCHEMES: Record<string, EpcField[]> = {
  sgtin: [cp, reference('item reference', 13), text('serial', 1, 20)],
  sscc: [cp, reference('serial reference', 17)],
  sgln: [cp, reference('location reference', 12), text('extension', 1, 20)],
  grai: [cp, reference('asset type', 12), text('serial', 1, 16)],
  giai: [cp, rest('individual asset reference', 30)],
  gsrn: [cp, reference('service reference', 17)],
  gsrnp: [cp, reference('service reference', 17)],
  gdti: [cp, reference('document type', 12), text('serial', 0, 17)],
  cpi: [cp, rest('component/part reference', 30, CS39_CHARS), digits('serial', 1, 12)],
  sgcn: [cp, reference('coupon reference', 12), digits('serial', 1, 12)],
  ginc: [cp, rest('consignment reference', 30)],
  gsin: [cp, reference('shipper reference', 16)],
  itip: [
    cp,
    reference('item reference', 13),
    digits('piece', 2, 2),
    digits('total', 2, 2),
    text('serial', 1, 20),
  ],
  upui: [cp, reference('item reference', 13), text('third party controlled extension', 1, 28)],
  pgln: [cp, reference('party reference', 12)],
};
export const EPC_CLASS_SCHEMES: Record<string, EpcField[]> = {
  lgtin: [cp, reference('item reference', 13), text('lot', 1, 20)],
};
/** Non-GS1 schemes of the Tag Data Standard: whole-body syntax only. */
export const OTHER_EPC_ID_SCHEMES: Record<string, RegExp> = {
  gid: /^\d{1,9}\.\d{1,8}\.\d{1,11}$/,
  usdod: /^[0-9A-Z]{5,6}\.\d{1,11}$/,
  adi: /^[0-9A-Z]{5,6}\.[0-9A-Z/-]{0,32}\.#?[0-9A-Z/-]{1,30}$/,
  bic: /^[A-Z]{3}[UJZ]\d{7}$/,
  imovn: /^\d{7}$/,
};

/** Splits an EPC body into the scheme's fields; the last one keeps any further dots. */
export function splitEpcBody(body: string, count: number): string[] | undefined {
  const parts = body.split('.');
  if (parts.length < count) return undefined;
  return [...parts.slice(0, count - 1), parts.slice(count - 1).join('.')];
}

export function epcFieldProblem(
  field: EpcField,
  value: string,
  companyPrefix: string,
): IdentifierProblem | undefined {
  switch (field.kind) {
    case 'companyPrefix':
      if (!/^\d*$/.test(value)) return problem(IdentifierRule.Character, 'the company prefix must be digits');
      return digitsProblem('the company prefix', value, 6, 12);
    case 'reference': {
      if (!/^\d*$/.test(value)) return problem(IdentifierRule.Character, `the ${field.name} must be digits`);
      if (companyPrefix.length + value.length === field.total) return undefined;
      return problem(
        IdentifierRule.Length,
        `the company prefix and ${field.name} must have ${field.total} digits together, not ${companyPrefix.length + value.length}`,
      );
    }
    case 'text':
      return textProblem(`the ${field.name}`, value, field.min, field.max);
    case 'rest':
      return textProblem(`the ${field.name}`, value, 1, field.total - companyPrefix.length, field.chars);
    case 'digits':
      return digitsProblem(`the ${field.name}`, value, field.min, field.max);
  }
}

export function epcFieldsProblem(
  fields: EpcField[],
  values: string[],
  wildcards: boolean,
): IdentifierProblem | undefined {
  const companyPrefix = values[0] ?? '';
  let wild = false;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as EpcField;
    const value = values[i] ?? '';
    if (wildcards && value === '*') {
      wild = true;
      continue;
    }
    if (wild) return problem(IdentifierRule.Syntax, 'only the last fields of an EPC pattern may be *');
    const found = epcFieldProblem(field, value, companyPrefix);
    if (found) return found;
  }
  return undefined;
}

export function epcProblem(uri: string, role: IdentifierRole): IdentifierProblem | undefined {
  const match = /^urn:epc:(id|class|idpat):([a-z]+):(.*)$/.exec(uri);
  if (!match) {
    return problem(
      IdentifierRule.Syntax,
      'is not an EPC URI (urn:epc:id:…, urn:epc:class:… or urn:epc:idpat:…)',
    );
  }
  const [, kind = '', scheme = '', body = ''] = match;
  if (kind === 'id' && own(OTHER_EPC_ID_SCHEMES, scheme)) {
    if (role === 'class') return classRequired();
    const syntax = own(OTHER_EPC_ID_SCHEMES, scheme) as RegExp;
    return syntax.test(body) ? undefined : problem(IdentifierRule.Syntax, `is not a valid ${scheme} EPC`);
  }
  const fields = own(kind === 'class' ? EPC_CLASS_SCHEMES : EPC_ID_SCHEMES, scheme);
  if (!fields) {
    return problem(
      IdentifierRule.SchemeUnknown,
      `urn:epc:${kind}:${scheme} is not a Tag Data Standard scheme`,
    );
  }
  if (kind === 'id' && role === 'class') return classRequired();
  // Only patterns: GS1's own event-hash test documents list class identifiers (lgtin, a GTIN
  // alone) in epcList, and the hash gives them a meaning there, so those stay accepted.
  if (kind === 'idpat' && role === 'instance') return instanceRequired();
  const values = kind === 'idpat' ? body.split('.') : splitEpcBody(body, fields.length);
  if (!values || values.length !== fields.length) {
    return problem(
      IdentifierRule.Syntax,
      `a ${scheme} EPC ${kind === 'idpat' ? 'pattern ' : ''}has ${fields.length} '.'-separated fields`,
    );
  }
  return epcFieldsProblem(fields, values, kind === 'idpat');
}
