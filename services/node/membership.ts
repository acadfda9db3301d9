import type { OnCommitted } from '../chain/index.js';
import { fromHex } from '../common/index.js';
import { p2pMultiaddr } from '../config/index.js';
import type { Validator } from '../consensus/index.js';
import type { MemberSet } from '../ledger/index.js';
import type { P2PMember } from '../p2p/index.js';
import type { NodeParts } from './parts.js';

const validatorLists = new WeakMap<MemberSet, readonly Validator[]>();

/** The validators of a member set as consensus wants them; the same array for the same set. */
export function validatorList(set: MemberSet): readonly Validator[] {
  let list = validatorLists.get(set);
  if (!list) {
    list = set.validators.map((m) => ({ id: m.id, publicKey: fromHex(m.publicKey) }));
    validatorLists.set(set, list);
  }
  return list;
}

/** Everyone the node may connect to: every member, observers included (they follow and capture). */
export function p2pMembers(set: MemberSet): P2PMember[] {
  return set.members.map((m) => ({ id: m.id, peerId: m.peerId, addrs: [p2pMultiaddr(m.host, m.p2pPort)] }));
}

/**
 * After a commit: when the member set of the next height differs, P2P follows it (new members
 * dialed and admitted, removed ones disconnected), and the mempool's view of which transactions
 * are valid is rebuilt against it on the next check.
 */
export function followMembers(parts: NodeParts): OnCommitted {
  const { members, p2p, logger } = parts;
  let current = members.at(parts.store.tip().height + 1);
  return (committed) => {
    const next = members.at(committed.block.header.height + 1);
    if (next === current) return;
    const before = new Set(current.members.map((m) => m.id));
    const after = new Set(next.members.map((m) => m.id));
    logger.info(
      {
        height: committed.block.header.height + 1,
        added: [...after].filter((id) => !before.has(id)),
        removed: [...before].filter((id) => !after.has(id)),
        validators: next.validators.length,
      },
      'member set changed',
    );
    current = next;
    p2p.setMembers(p2pMembers(next));
  };
}

/**
 * A member admitted by governance starts from genesis, which does not list it: it catches up from
 * its peers (every block checked against the validators of its height) and serves its API only
 * once its own admission is committed, since before that it could neither capture nor answer for
 * the ledger. A genesis member returns at once.
 */
export function admitted({ members, store, config, logger }: NodeParts): Promise<void> {
  const isIn = () => members.at(store.tip().height + 1).has(config.org);
  if (isIn()) return Promise.resolve();
  logger.info({ height: store.tip().height }, 'not a member at the tip yet: catching up before serving');
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!isIn()) return;
      clearInterval(timer);
      logger.info({ height: store.tip().height }, "caught up to this member's admission: serving");
      resolve();
    }, 200);
  });
}
