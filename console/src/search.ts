import { checkDigit, epcToDigitalLink } from '../../services/epcis/epc-uri.js';
import { canonicalDigitalLink } from '../../services/epcis/gs1-digital-link.js';

/** Where one search box entry leads, decided in the browser before any request. */
export type SearchTarget =
  | { kind: 'object'; id: string }
  | { kind: 'gtin'; gtin: string; pattern: string }
  | { kind: 'event'; eventID: string }
  | { kind: 'block'; height: number }
  | { kind: 'tx'; txId: string }
  | { kind: 'error'; message: string };

const digitsOk = (digits: string) => checkDigit(digits.slice(0, -1)) === digits.slice(-1);

/** GS1 element string `(01)…(21)…`, `(01)…(10)…`, `(00)…` as its Digital Link URI. */
function elementString(text: string): SearchTarget {
  const parts = [...text.matchAll(/\((\d{2,4})\)([^()]+)/g)].map((m) => [
    m[1] as string,
    (m[2] as string).trim(),
  ]);
  if (parts.length === 0 || parts.map(([ai, v]) => `(${ai})${v}`).join('') !== text.replace(/\s+/g, ''))
    return { kind: 'error', message: 'not a GS1 element string: write it as (01)GTIN(21)serial or (00)SSCC' };
  const ai = new Map(parts as Array<[string, string]>);
  const sscc = ai.get('00');
  if (sscc !== undefined) return ssccTarget(sscc);
  const gtin = ai.get('01');
  if (gtin === undefined)
    return { kind: 'error', message: 'the element string needs (01) GTIN or (00) SSCC' };
  const g = gtin14(gtin);
  if (g.kind === 'error') return g;
  const serial = ai.get('21');
  const lot = ai.get('10');
  if (serial !== undefined)
    return digitalLink(`https://id.gs1.org/01/${g.gtin}/21/${encodeURIComponent(serial)}`);
  if (lot !== undefined) return digitalLink(`https://id.gs1.org/01/${g.gtin}/10/${encodeURIComponent(lot)}`);
  return g;
}

function gtin14(digits: string): Extract<SearchTarget, { kind: 'gtin' | 'error' }> {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(digits))
    return { kind: 'error', message: 'a GTIN has 8, 12, 13 or 14 digits' };
  if (!digitsOk(digits)) return { kind: 'error', message: `GTIN ${digits}: wrong check digit` };
  const gtin = digits.padStart(14, '0');
  // Any split of the company prefix names the same Digital Link prefix (services/query identifiers).
  const pattern = `urn:epc:idpat:sgtin:${gtin.slice(1, 8)}.${gtin[0]}${gtin.slice(8, 13)}.*`;
  return { kind: 'gtin', gtin, pattern };
}

function ssccTarget(digits: string): SearchTarget {
  if (!/^\d{18}$/.test(digits)) return { kind: 'error', message: 'an SSCC has 18 digits' };
  if (!digitsOk(digits)) return { kind: 'error', message: `SSCC ${digits}: wrong check digit` };
  return { kind: 'object', id: `https://id.gs1.org/00/${digits}` };
}

function digitalLink(uri: string): SearchTarget {
  const canonical = canonicalDigitalLink(uri);
  if (canonical === undefined)
    return { kind: 'error', message: 'not a valid GS1 Digital Link (check digit or syntax)' };
  const key = /\/(01|00|414|8003|8004|253|417)\/(\d+)/.exec(canonical);
  if (key && /^(01|00|414|417)$/.test(key[1] as string) && !digitsOk(key[2] as string))
    return {
      kind: 'error',
      message: `${key[1] === '00' ? 'SSCC' : key[1] === '01' ? 'GTIN' : 'GLN'} ${key[2]}: wrong check digit`,
    };
  return { kind: 'object', id: canonical };
}

/**
 * Reads what an auditor typed: an EPC URN, a GS1 Digital Link, an element string, a GTIN (8–14
 * digits), an SSCC (18), an eventID (any other URI), a block height (up to 7 digits), a transaction
 * id (64 hex). GS1 check digits are checked here, so a typo never reaches the node.
 */
export function parseSearch(input: string): SearchTarget {
  const text = input.trim();
  if (text === '') return { kind: 'error', message: 'type an identifier' };
  if (text.startsWith('(')) return elementString(text);
  if (/^urn:epc:(id|class):/i.test(text)) {
    const dl = epcToDigitalLink(text);
    if (dl === undefined) return { kind: 'error', message: 'not a valid EPC URN (check digit or syntax)' };
    return digitalLink(dl);
  }
  if (/^https?:\/\/[^/]+\/(01|00|414|8003|8004|253|417)\//i.test(text)) return digitalLink(text);
  if (/^#?\d{1,7}$/.test(text)) return { kind: 'block', height: Number(text.replace('#', '')) };
  if (/^\d{18}$/.test(text)) return ssccTarget(text);
  if (/^\d+$/.test(text)) return gtin14(text);
  if (/^[0-9a-f]{64}$/i.test(text)) return { kind: 'tx', txId: text.toLowerCase() };
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(text)) return { kind: 'event', eventID: text };
  return {
    kind: 'error',
    message:
      'not an identifier: try an EPC URN, a Digital Link, (01)…(10)lot, a GTIN, an SSCC, an eventID, a height or a tx id',
  };
}
