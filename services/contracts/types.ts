/** Custody state of one identified object (an EPC), as GET /objects/{id} serves it. */
export type ObjectStatus = 'active' | 'in_transit' | 'consumed' | 'destroyed';

export interface ObjectState {
  /** Canonical key: the GS1 Digital Link form of the EPC (or the identifier as written if not GS1). */
  id: string;
  owner: string;
  custodian: string;
  status: ObjectStatus;
  /** Sorted, unique: recalled, temperature_excursion, decommissioned. */
  flags: string[];
  /** Org the object is in transit to. */
  consignee?: string;
  parent?: string;
  children?: string[];
  location?: string;
  lastEventID: string;
  /** Org that commissioned (or introduced) the object: the only one allowed to recall it. */
  commissioner: string;
  /** Transformation lineage: the inputs this object was made from. */
  inputs?: string[];
  /** Transformation lineage: the outputs made from this object. */
  outputs?: string[];
  /** Allowed temperature range declared at commissioning (cold chain). */
  temperature?: { min: number; max: number };
}

/** Quantity lot balance: how much of a class (LGTIN) in one unit a holder has. */
export interface BalanceKey {
  /** Canonical class key (Digital Link of the LGTIN). */
  epcClass: string;
  uom: string;
  /** An org id, or `transit:<org>` for quantities shipped to that org but not yet received. */
  holder: string;
}

export interface Alert {
  seq: number;
  type: 'temperature_excursion';
  object: string;
  /** The event that reported the excursion (its block is found through the event). */
  eventID: string;
  value: number;
  min: number;
  max: number;
}

/** A consortium member as the genesis file lists it. */
export interface Member {
  id: string;
  parties: string[];
  locations: string[];
}

/** What the engine may read of the block: nothing else (no clock, no randomness). */
export interface EvalContext {
  /** Submitting org id. */
  org: string;
  height: number;
  /** Block timestamp, ms since the epoch. */
  timestamp: number;
}

/** A problem in a rule set, with the file and 1-based line it was found at. */
export interface RuleProblem {
  file: string;
  line: number;
  message: string;
}
