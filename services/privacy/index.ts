/**
 * Privacy (docs/privacy.md): the public and sealed tiers of an event, the salted commitment of
 * its sealed fields, their encryption to the event's recipients, and selective disclosure.
 */
export {
  type KeyRing,
  keyRingOf,
  recipientsProblem,
  SealedCode,
  type SealedProblem,
  sealedProblem,
} from './checks.js';
export { disclosureOf, fieldTree, leafCount, newSeed, saltOf } from './commitment.js';
export { Decrypter, encryptSealed, sealedAad } from './jwe.js';
export { type Opened, type OpenedEvent, openCapture } from './open.js';
export { groupRoots, PUBLIC_DOCUMENT_FIELDS, type SealDeps, type SealedPlain, sealCapture } from './seal.js';
export {
  NON_MEMBER_PLACEHOLDER,
  PUBLIC_FIELDS,
  publicView,
  type SealedField,
  sealedFields,
  type TierContext,
  tierContext,
} from './tiers.js';
