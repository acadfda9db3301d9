/**
 * Identifier validation per the GS1 General Specifications (keys, check digits, AI character sets)
 * and the EPC Tag Data Standard (EPC URI schemes and their fields), for the identifiers an EPCIS
 * event names: EPC URIs (`urn:epc:id|class|idpat:…`) and GS1 Digital Link URIs.
 *
 * Hand-written, like epc-uri.ts beside it: npm's candidates do not fit. digital-link.js validates
 * Digital Link syntax through a grammar but answers only yes/no (no rule to report), knows no EPC
 * URIs and pulls in a parser generator; epc-tds encodes and decodes RFID tag binaries; the
 * check-digit packages cover one rule of many. What a client needs here is the rule that failed,
 * for both URI forms, and instance-versus-class by field, which is a small table per scheme.
 */
import { digitalLinkProblem } from './digital-link-identifiers.js';
import { epcProblem } from './epc-identifiers.js';
import type { IdentifierProblem, IdentifierRole } from './identifier-checks.js';

export {
  type IdentifierProblem,
  type IdentifierRole,
  IdentifierRule,
} from './identifier-checks.js';

/**
 * What is wrong with `uri` as a GS1 identifier in a field of `role`, or undefined when nothing is
 * (including every URI that is neither an EPC URI nor a GS1 Digital Link URI: EPCIS allows any).
 */
export function identifierProblem(uri: string, role: IdentifierRole): IdentifierProblem | undefined {
  if (uri.startsWith('urn:epc:')) return epcProblem(uri, role);
  if (/^https?:/i.test(uri)) return digitalLinkProblem(uri, role);
  return undefined;
}
