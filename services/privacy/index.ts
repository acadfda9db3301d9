/**
 * Privacy (docs/privacy.md): who may see what (issue 14) and how. Recipients of an event see it
 * whole (recipients.ts); the API joins the caller's org into every query. In a sealed network the
 * fields the custody rules do not read are committed by a salted Merkle root and encrypted to
 * the recipients (tiers.ts, commitment.ts, seal.ts), and can be disclosed one by one.
 */

export {
  type KeyRing,
  keyRingOf,
  recipientsProblem,
  SealedCode,
  type SealedProblem,
  sealedProblem,
  staleViewProblem,
} from './checks.js';
export { disclosureOf, eventSeedOf, fieldRoot, fieldTree, leafCount, newSeed, saltOf } from './commitment.js';
export {
  type AuditorGrant,
  type CompiledGrant,
  compileGrants,
  GenesisGrants,
  GRANT_SCOPE_VARIABLES,
  GrantError,
  type GrantReader,
} from './grants.js';
export {
  Decrypter,
  encryptSealed,
  type GeneralJWE,
  JWE_ALG,
  JWE_ENC,
  SEALED_CTY,
  sealedAad,
} from './jwe.js';
export { type Opened, type OpenedEvent, openCapture } from './open.js';
export {
  type CustodyReads,
  type MemberReader,
  type RecipientInput,
  RecipientPlan,
  type RecipientPolicy,
  Recipients,
  type RecipientsBook,
  recipientsOf,
} from './recipients.js';
export { publicIlmdKeysOf, sealedFieldProblems, sealedIlmdProblems, sealedReads } from './rule-fields.js';
export {
  groupRoots,
  PUBLIC_DOCUMENT_FIELDS,
  type SealDeps,
  type SealedEvent,
  type SealedPlain,
  type SealedPlainEvent,
  sealCapture,
  sealCaptureKeeping,
} from './seal.js';
export { mergeSealed, type SealedPart, sealedPartOf } from './sealed-part.js';
export {
  activeKeyOf,
  eventIdSecretOf,
  type KeptEvent,
  SealedHere,
  type SealingConfig,
  sealBody,
  sealedEventId,
} from './sealer.js';
export {
  NON_MEMBER_PLACEHOLDER,
  PUBLIC_FIELDS,
  publicView,
  type SealedField,
  sealedFields,
  type TierBook,
  type TierContext,
  Tiers,
  tierContext,
} from './tiers.js';
