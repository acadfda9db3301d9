import { type MemberBook, tiersOf } from '../chain/index.js';
import type { Logger } from '../common/index.js';
import type { NodeConfig } from '../config/index.js';
import { Decrypter, eventIdSecretOf, SealedHere, type SealingConfig } from '../privacy/index.js';
import type { Store } from '../storage/index.js';
import { Unsealer } from './unsealer.js';

/** A sealed network's parts of a node (docs/privacy.md). */
export interface NodeSealing {
  config: SealingConfig;
  unsealer: Unsealer;
}

/** The sealing parts when genesis says `privacy: sealed`; undefined in an open network. */
export function sealingOf(
  config: NodeConfig,
  store: Store,
  members: Pick<MemberBook, 'keyRing' | 'membersAt'>,
  logger: Logger,
): NodeSealing | undefined {
  const { genesis } = config;
  if (genesis.privacy !== 'sealed') return undefined;
  const tiers = tiersOf(genesis, members);
  const sealing: SealingConfig = {
    // Read at each use: members added or re-keyed by governance bring their keys (chain/member-book.ts).
    get keys() {
      return members.keyRing();
    },
    tiers,
    eventIdSecret: eventIdSecretOf(config.seed),
    sealedHere: new SealedHere(),
  };
  const unsealer = new Unsealer(
    store,
    new Decrypter(config.encryptionKeys),
    tiers,
    logger,
    config.org,
    () => members.keyRing(),
    undefined,
    sealing.sealedHere,
  );
  return { config: sealing, unsealer };
}
