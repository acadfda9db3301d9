/** What the trace view has selected: an object or an event. Its own file, so the trace view and the lineage graph it loads lazily do not import each other. */
export type Selection = { kind: 'object'; id: string } | { kind: 'event'; eventID: string };
