/**
 * The public tier's field names (docs/privacy.md), defined once and browser-safe (no imports): the
 * node's tiering (services/privacy/tiers.ts) keeps exactly these, and the console
 * (console/src/fields.ts) reads them to tell an event's own fields from its extensions.
 */

/** The key of a sealed event's commitment in its public view. */
export const SEALED_KEY = 'wb:sealed';

/** Top-level fields the public view keeps as they are. */
export const PUBLIC_FIELDS: ReadonlySet<string> = new Set([
  '@context',
  'type',
  'action',
  'bizStep',
  'disposition',
  'eventID',
  'errorDeclaration',
  'eventTime',
  'eventTimeZoneOffset',
  'epcList',
  'parentID',
  'childEPCs',
  'inputEPCList',
  'outputEPCList',
]);

/** Quantity lists: the public view keeps epcClass, quantity and uom of each element. */
export const QUANTITY_FIELDS: ReadonlySet<string> = new Set([
  'quantityList',
  'childQuantityList',
  'inputQuantityList',
  'outputQuantityList',
]);

/** Top-level fields the public view keeps in part: what the custody rules read of them. */
export const PARTLY_PUBLIC_FIELDS: ReadonlySet<string> = new Set([
  ...QUANTITY_FIELDS,
  'sourceList',
  'destinationList',
  'readPoint',
  'bizLocation',
  'ilmd',
  'sensorElementList',
]);

/**
 * What a source or destination naming no member shows in the public view instead of its id: it
 * resolves to no member exactly as the sealed id does.
 */
export const NON_MEMBER_PLACEHOLDER = 'urn:waybill:sealed:non-member';

/**
 * Fields a node adds to an event when it serves it (storage/served-event.ts), in neither tier since
 * nobody captured them: the ledger's recordTime and, in a sealed network, the commitment.
 */
export const SERVED_FIELDS: ReadonlySet<string> = new Set(['recordTime', SEALED_KEY]);
