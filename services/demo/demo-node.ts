import type { WaybillClient } from '../client/index.js';
import type * as ev from './events.js';

/** One organisation's node, as the demo talks to it. */
export interface DemoNode {
  org: string;
  name: string;
  url: string;
  client: WaybillClient;
  /** This org's token: another node answers it what this org may see there (docs/privacy.md). */
  token: string;
  party: ev.Party;
}
