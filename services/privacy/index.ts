/**
 * Privacy: who may see what (issue 14). Recipients of an event see it whole; the API joins the
 * caller's org into every query (docs/privacy.md, "Who sees what").
 */
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
  type CustodyReads,
  type RecipientInput,
  type RecipientPolicy,
  Recipients,
  type RecipientsBook,
  recipientsOf,
} from './recipients.js';
