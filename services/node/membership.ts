import type { ApiDeps, Schemas } from '../api/index.js';
import {
  type LedgerApp,
  type MemberBook,
  MemberGovernance,
  type OnCommitted,
  type Proposed,
} from '../chain/index.js';
import { ErrorCode, fromHex, type Logger, WaybillError } from '../common/index.js';
import { type NodeConfig, p2pMultiaddr } from '../config/index.js';
import type { Validator } from '../consensus/index.js';
import type { GovernedProposal } from '../execution/index.js';
import type { MemberChange, MemberFile, MemberSet, Transaction } from '../ledger/index.js';
import type { P2PMember, P2PNetwork } from '../p2p/index.js';
import type { Store } from '../storage/index.js';

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
export function followMembers({
  members,
  p2p,
  logger,
  store,
}: {
  members: MemberBook;
  p2p: Pick<P2PNetwork, 'setMembers'>;
  logger: Logger;
  store: Pick<Store, 'tip'>;
}): OnCommitted {
  let current = members.at(store.tip().height + 1);
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
export function admitted({
  members,
  store,
  config,
  logger,
}: {
  members: MemberBook;
  store: Pick<Store, 'tip'>;
  config: Pick<NodeConfig, 'org'>;
  logger: Logger;
}): Promise<void> {
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

/** GET/POST /governance/members and /governance/grants (api/routes/governance.ts). */
export function membershipDeps(
  {
    members,
    store,
    app,
    config,
  }: { members: MemberBook; store: Pick<Store, 'tip'>; app: LedgerApp; config: NodeConfig },
  announce: (tx: Transaction) => void,
): ApiDeps['membership'] {
  const governance = new MemberGovernance(app, members, store, config.genesis.network, config.org);
  const submitted = async ({ tx, fresh, durable, hash }: Proposed) => {
    await durable;
    if (fresh) announce(tx);
    return { txId: tx.id, hash };
  };
  const view = (p: GovernedProposal) => ({
    hash: p.hash,
    proposer: p.proposer,
    proposedHeight: p.proposedHeight,
    approvals: p.approvals,
    activationHeight: p.activationHeight,
    ...(p.change && { change: p.change as unknown as Record<string, unknown> }),
    ...(p.grant && { grant: p.grant }),
  });
  return {
    members: () => {
      const height = store.tip().height + 1;
      const set = members.at(height);
      return {
        height,
        quorum: set.quorum,
        validators: set.validators.length,
        members: members.members(height).map(({ jwtIssuerKey: _, ...m }) => m),
        proposals: members.proposals('member').map(view),
      };
    },
    proposeMember: (change) => submitted(governance.proposeMember(memberChangeOf(change))),
    grants: () => {
      const height = store.tip().height + 1;
      return {
        height,
        quorum: members.at(height).quorum,
        grants: [...members.grantsAt(height)],
        proposals: members.proposals('grant').map(view),
      };
    },
    proposeGrant: (grant) => submitted(governance.proposeGrant(grant)),
    approve: (subject, hash) => submitted(governance.approve(subject, hash)),
  };
}

/** The request as the change a transaction carries: `add`/`update` need `member`, `remove` needs `id`. */
function memberChangeOf(body: Schemas['MemberChangeProposal']): MemberChange {
  if (body.action === 'remove') {
    if (body.id === undefined || body.member !== undefined)
      throw bodyError('remove takes `id` and no `member`');
    return { action: 'remove', id: body.id };
  }
  if (body.member === undefined || body.id !== undefined)
    throw bodyError(`${body.action} takes \`member\` and no \`id\``);
  return { action: body.action, member: body.member as unknown as MemberFile };
}

function bodyError(message: string): WaybillError {
  return new WaybillError(ErrorCode.ValidationFailed, 'the member change is not valid', {
    errors: [{ field: 'body', message }],
  });
}
