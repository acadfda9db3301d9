import { Ajv } from 'ajv';
import type { ConsensusMessage } from '../consensus/index.js';
import type { CommittedBlock, Transaction } from '../ledger/index.js';

/**
 * Wire format between nodes: UTF-8 JSON. Every payload from a peer is shape-checked here before
 * anything else reads it, so a malformed message from a faulty member is dropped, never thrown.
 */

const hex = { type: 'string', pattern: '^[0-9a-f]*$', maxLength: 256 };
const height = { type: 'integer', minimum: 0 };
const captureBody = {
  type: 'object',
  required: ['kind', 'network', 'org', 'submitter', 'errorBehaviour', 'document'],
  properties: {
    kind: { const: 'capture' },
    network: { type: 'string' },
    org: { type: 'string' },
    submitter: { type: 'string' },
    errorBehaviour: { enum: ['rollback', 'proceed'] },
    document: { type: 'object' },
    invalid: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        required: ['index', 'field', 'code', 'message'],
        properties: {
          index: { type: 'integer', minimum: 0, maximum: 10_000 },
          eventID: { type: 'string', maxLength: 2048 },
          field: { type: 'string', maxLength: 2048 },
          code: { type: 'string', maxLength: 64 },
          message: { type: 'string', maxLength: 1024 },
        },
        additionalProperties: false,
      },
    },
  },
};
const evidenceBody = {
  type: 'object',
  required: ['kind', 'network', 'org', 'evidence'],
  properties: {
    kind: { const: 'evidence' },
    network: { type: 'string' },
    org: { type: 'string' },
    evidence: { type: 'object' },
  },
};
const rulesProposalBody = {
  type: 'object',
  required: ['kind', 'network', 'org', 'files'],
  properties: {
    kind: { const: 'rules_proposal' },
    network: { type: 'string' },
    org: { type: 'string' },
    files: {
      type: 'array',
      maxItems: 64,
      items: {
        type: 'object',
        required: ['name', 'text'],
        properties: { name: { type: 'string' }, text: { type: 'string' } },
      },
    },
  },
};
const rulesApprovalBody = {
  type: 'object',
  required: ['kind', 'network', 'org', 'hash'],
  properties: {
    kind: { const: 'rules_approval' },
    network: { type: 'string' },
    org: { type: 'string' },
    hash: hex,
  },
};
const basis = { type: 'integer', minimum: 0 };
const memberFile = { type: 'object', required: ['id', 'publicKey', 'peerId', 'signature'] };
const memberProposalBody = {
  type: 'object',
  required: ['kind', 'network', 'org', 'change', 'basis'],
  properties: {
    kind: { const: 'member_proposal' },
    network: { type: 'string' },
    org: { type: 'string' },
    basis,
    change: {
      oneOf: [
        {
          type: 'object',
          required: ['action', 'member'],
          properties: { action: { enum: ['add', 'update'] }, member: memberFile },
        },
        {
          type: 'object',
          required: ['action', 'id'],
          properties: { action: { const: 'remove' }, id: { type: 'string', maxLength: 63 } },
        },
      ],
    },
  },
};
const grantProposalBody = {
  type: 'object',
  required: ['kind', 'network', 'org', 'grant', 'basis'],
  properties: {
    kind: { const: 'grant_proposal' },
    network: { type: 'string' },
    org: { type: 'string' },
    basis,
    grant: { type: 'object', required: ['org', 'role'] },
  },
};
const approvalBody = (kind: string) => ({
  type: 'object',
  required: ['kind', 'network', 'org', 'hash'],
  properties: { kind: { const: kind }, network: { type: 'string' }, org: { type: 'string' }, hash: hex },
});
const tx = {
  type: 'object',
  required: ['id', 'body', 'signature'],
  properties: {
    id: hex,
    signature: hex,
    body: {
      oneOf: [
        captureBody,
        evidenceBody,
        rulesProposalBody,
        rulesApprovalBody,
        memberProposalBody,
        approvalBody('member_approval'),
        grantProposalBody,
        approvalBody('grant_approval'),
      ],
    },
  },
};
const block = {
  type: 'object',
  required: ['header', 'txs'],
  properties: {
    header: {
      type: 'object',
      required: [
        'network',
        'height',
        'view',
        'parentHash',
        'txRoot',
        'txCount',
        'proposer',
        'timestamp',
        'parentStateRoot',
        'parentResultsRoot',
        'rulesHash',
      ],
      properties: {
        network: { type: 'string' },
        height,
        view: height,
        parentHash: hex,
        txRoot: hex,
        txCount: height,
        proposer: { type: 'string' },
        timestamp: height,
        parentStateRoot: hex,
        parentResultsRoot: hex,
        rulesHash: hex,
        membersHash: hex,
        nextMembersHash: hex,
      },
    },
    txs: { type: 'array', items: tx },
  },
};
const signatures = {
  type: 'array',
  maxItems: 1000,
  items: {
    type: 'object',
    required: ['member', 'signature'],
    properties: { member: { type: 'string' }, signature: hex },
  },
};
const certificate = {
  type: 'object',
  required: ['height', 'round', 'blockHash', 'signatures'],
  properties: { height, round: height, blockHash: hex, signatures },
};

const consensusSchema = {
  oneOf: [
    {
      type: 'object',
      required: ['type', 'height', 'round', 'block', 'validRound', 'proposer', 'signature'],
      properties: {
        type: { const: 'proposal' },
        height,
        round: height,
        block,
        validRound: { type: 'integer', minimum: -1 },
        proposer: { type: 'string' },
        signature: hex,
      },
    },
    {
      type: 'object',
      required: ['type', 'height', 'round', 'blockHash', 'voter', 'signature'],
      properties: {
        type: { enum: ['prevote', 'precommit'] },
        height,
        round: height,
        blockHash: { anyOf: [hex, { type: 'null' }] },
        voter: { type: 'string' },
        signature: hex,
      },
    },
    {
      type: 'object',
      required: ['type', 'block', 'certificate'],
      properties: { type: { const: 'decision' }, block, certificate },
    },
  ],
};

const ajv = new Ajv({ allErrors: false });
const isConsensus = ajv.compile<ConsensusMessage>(consensusSchema);
const isTxBatch = ajv.compile<{ txs: Transaction[] }>({
  type: 'object',
  required: ['txs'],
  properties: { txs: { type: 'array', items: tx, maxItems: 10_000 } },
});
const isSyncRequest = ajv.compile<SyncRequest>({
  type: 'object',
  required: ['from', 'limit'],
  properties: {
    from: { type: 'integer', minimum: 1 },
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
  },
});
const isSyncResponse = ajv.compile<SyncResponse>({
  type: 'object',
  required: ['blocks'],
  properties: {
    blocks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['hash', 'block', 'certificate'],
        properties: { hash: hex, block, certificate },
      },
    },
  },
});

export interface SyncRequest {
  from: number;
  limit: number;
}

export interface SyncResponse {
  blocks: CommittedBlock[];
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

export function encode(value: unknown): Uint8Array {
  return utf8Encoder.encode(JSON.stringify(value));
}

function decodeWith<T>(check: (v: unknown) => v is T, payload: Uint8Array): T | undefined {
  try {
    const value: unknown = JSON.parse(utf8Decoder.decode(payload));
    return check(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export const decodeConsensus = (p: Uint8Array) => decodeWith(isConsensus, p);
export const decodeTxBatch = (p: Uint8Array) => decodeWith(isTxBatch, p);
export const decodeSyncRequest = (p: Uint8Array) => decodeWith(isSyncRequest, p);
export const decodeSyncResponse = (p: Uint8Array) => decodeWith(isSyncResponse, p);
