import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { TxResult } from '../execution/index.js';
import type { HeapFigures } from './heap.js';

/** The node's Prometheus metrics, in a registry of its own (tests run several nodes in one process). */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly height = new Gauge({
    name: 'waybill_height',
    help: 'Height of the last committed block',
    registers: [this.registry],
  });
  readonly applying = new Gauge({
    name: 'waybill_block_applying',
    help: 'Height of the committed block the block writer thread is executing and storing; 0 when none',
    registers: [this.registry],
  });
  /** The consensus driver's measurements of the work a round waits for (consensus/pacing.ts). */
  readonly blockWork = new Histogram({
    name: 'waybill_block_work_seconds',
    help: 'Time to build a proposal, validate a proposal, or apply a decided block (until stored), by work',
    labelNames: ['work'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly round = new Gauge({
    name: 'waybill_round',
    help: 'Consensus round at the current height',
    registers: [this.registry],
  });
  readonly commits = new Counter({
    name: 'waybill_commits_total',
    help: 'Blocks committed',
    registers: [this.registry],
  });
  readonly committedTxs = new Counter({
    name: 'waybill_committed_txs_total',
    help: 'Capture transactions committed',
    registers: [this.registry],
  });
  readonly roundChanges = new Counter({
    name: 'waybill_round_changes_total',
    help: 'Rounds started after round 0 (view changes)',
    registers: [this.registry],
  });
  readonly syncBlocks = new Counter({
    name: 'waybill_sync_blocks_total',
    help: 'Blocks applied through catch-up from a peer',
    registers: [this.registry],
  });
  readonly syncFailures = new Counter({
    name: 'waybill_sync_failures_total',
    help: 'Catch-up requests that failed or served nothing usable, by peer',
    labelNames: ['peer'] as const,
    registers: [this.registry],
  });
  readonly consensusRejected = new Counter({
    name: 'waybill_consensus_messages_rejected_total',
    help: 'Consensus messages ignored, by reason (malformed, invalid_signature, not_a_validator, equivocation, …)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly mempoolSize = new Gauge({
    name: 'waybill_mempool_txs',
    help: 'Transactions waiting to be ordered',
    registers: [this.registry],
  });
  readonly commitLatency = new Histogram({
    name: 'waybill_commit_latency_seconds',
    help: 'From the 202 of a capture at this node to its commit',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  /** Filled from the P2P layer's own counters at scrape time. */
  watchP2P(stats: () => Record<string, number>): void {
    new Gauge({
      name: 'waybill_p2p_events',
      help: 'P2P counters since start: messages sent and received, and dropped by reason (oversized, nonmember, ...)',
      labelNames: ['event'] as const,
      registers: [this.registry],
      collect() {
        for (const [event, value] of Object.entries(stats())) this.set({ event }, value);
      },
    });
  }

  /**
   * Each thread's V8 heap (node/heap.ts), by thread (`main`, `writer`) and kind (`physical`: its
   * pages resident in memory; `used`: what objects fill of them, live or not yet collected;
   * `young`: the young generation's pages; `external`: native memory of the buffers its objects
   * hold, outside the heap). With the process's RSS they say where a node's memory
   * goes: docs/operations.md, "Memory".
   */
  watchHeaps(heaps: () => Record<string, HeapFigures | undefined>): void {
    new Gauge({
      name: 'waybill_heap_bytes',
      help: "V8 heap of each of the node's threads, bytes, by thread (main, writer) and kind (physical, used, young, external)",
      labelNames: ['thread', 'kind'] as const,
      registers: [this.registry],
      collect() {
        for (const [thread, heap] of Object.entries(heaps())) {
          if (!heap) continue;
          for (const [kind, bytes] of Object.entries(heap)) this.set({ thread, kind }, bytes);
        }
      },
    });
  }

  /** `waybill_round` is set at commits only; this follows view changes as they happen. */
  watchView(view: () => number): void {
    new Gauge({
      name: 'waybill_view',
      help: 'Current consensus view (round) at the current height',
      registers: [this.registry],
      collect() {
        this.set(view());
      },
    });
  }

  readonly httpRequests = new Counter({
    name: 'waybill_http_requests_total',
    help: "API requests answered, by the OpenAPI operationId ('unknown' for unmatched routes) and status",
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'waybill_http_request_duration_seconds',
    help: 'API request duration, by the OpenAPI operationId',
    labelNames: ['operation'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    registers: [this.registry],
  });
  readonly eventRejections = new Counter({
    name: 'waybill_event_rejections_total',
    help: 'Committed rejections by reason code (DUPLICATE_EVENT_ID, ROLLED_BACK, DUPLICATE_EVIDENCE, ...)',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  /** Counts a committed block's rejections: refused events and refused evidence, by reason code. */
  countRejections(results: readonly Pick<TxResult, 'errors'>[]): void {
    for (const { errors } of results) for (const { code } of errors) this.eventRejections.inc({ code });
  }

  observeRequest(operation: string, status: number, seconds: number): void {
    this.httpRequests.inc({ operation, status: String(status) });
    this.httpDuration.observe({ operation }, seconds);
  }

  readonly subscriptionDeliveries = new Counter({
    name: 'waybill_subscription_deliveries_total',
    help: 'Webhook deliveries to query subscriptions, by outcome (delivered: a 2xx; failed: retried later)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Read from the subscriptions table at scrape time. */
  watchSubscriptionLag(lag: () => number): void {
    new Gauge({
      name: 'waybill_subscription_lag_events',
      help: 'Ledger event positions between the newest event and the furthest-behind subscription (an upper bound on its undelivered events)',
      registers: [this.registry],
      collect() {
        this.set(lag());
      },
    });
  }

  readonly evidence = new Counter({
    name: 'waybill_evidence_total',
    help: 'Equivocation evidence seen, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
}
