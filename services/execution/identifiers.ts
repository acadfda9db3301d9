import { type EventRoles, eventRoles, idKey } from '../contracts/index.js';
import type { EpcisEvent } from '../ledger/index.js';

/** Where an identifier occurs in an event. */
export enum IdRole {
  Epc = 'epc',
  Parent = 'parent',
  Child = 'child',
  Input = 'input',
  Output = 'output',
  /** quantityList / childQuantityList. */
  Class = 'class',
  InputClass = 'input_class',
  OutputClass = 'output_class',
}

export const OBJECT_ROLES = [IdRole.Epc, IdRole.Parent, IdRole.Child, IdRole.Input, IdRole.Output];
export const CLASS_ROLES = [IdRole.Class, IdRole.InputClass, IdRole.OutputClass];

/** An identifier as a canonical key (EPC URN and Digital Link alike) and where the event names it. */
export type RoledIdentifier = [string, IdRole];

/** The identifiers of an event by role, parsing the event (for a ledger indexed after the fact). */
export function identifiersOf(event: EpcisEvent): RoledIdentifier[] {
  return identifiersFrom(event, eventRoles(event));
}

/** The identifiers of an event by role, from the roles the custody engine already derived. */
export function identifiersFrom(event: EpcisEvent, roles: EventRoles): RoledIdentifier[] {
  const out: RoledIdentifier[] = [];
  const add = (ids: Iterable<string>, role: IdRole) => {
    for (const id of new Set(ids)) out.push([id, role]);
  };
  if (event.type === 'AggregationEvent' || event.type === 'AssociationEvent') {
    add(roles.children, IdRole.Child);
    add(
      roles.quantities.map((q) => q.epcClass),
      IdRole.Class,
    );
  } else if (event.type === 'TransformationEvent') {
    add(roles.inputs, IdRole.Input);
    add(roles.outputs, IdRole.Output);
    add(
      roles.quantities.map((q) => q.epcClass),
      IdRole.InputClass,
    );
    add(
      roles.outputQuantities.map((q) => q.epcClass),
      IdRole.OutputClass,
    );
  } else {
    const listed = Array.isArray(event.epcList) ? event.epcList.filter((e) => typeof e === 'string') : [];
    add(listed.map(idKey), IdRole.Epc);
    add(
      roles.quantities.map((q) => q.epcClass),
      IdRole.Class,
    );
  }
  if (roles.parent !== undefined) add([roles.parent], IdRole.Parent);
  return out;
}
