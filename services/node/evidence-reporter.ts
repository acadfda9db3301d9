import type { LedgerApp } from '../chain/index.js';
import type { Logger } from '../common/index.js';
import type { Evidence } from '../consensus/index.js';
import type { Gossip } from './gossip.js';
import type { NodeMetrics } from './metrics.js';

/** Heights between two reports about one member from this node. */
const EVERY = 100;

/**
 * Turns equivocation seen by consensus into evidence transactions. One record proves a member
 * equivocated, and one that does it on purpose can make thousands of pieces per height, so this
 * node reports at most one per member every hundred heights (all are counted in metrics).
 */
export class EvidenceReporter {
  private readonly lastReport = new Map<string, number>();

  constructor(
    private readonly deps: { app: LedgerApp; gossip: Gossip; metrics: NodeMetrics; logger: Logger },
  ) {}

  report(evidence: Evidence): void {
    const { app, gossip, metrics, logger } = this.deps;
    metrics.evidence.inc({ kind: evidence.kind });
    const last = this.lastReport.get(evidence.member);
    if (last !== undefined && evidence.height < last + EVERY) return;
    this.lastReport.set(evidence.member, evidence.height);
    logger.warn(
      { member: evidence.member, kind: evidence.kind, height: evidence.height },
      'equivocation evidence',
    );
    const tx = app.reportEvidence(evidence);
    if (tx) gossip.announce(tx);
  }
}
