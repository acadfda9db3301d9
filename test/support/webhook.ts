import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver got: headers, the exact body bytes, and the status it answered. */
export interface Delivery {
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** undefined while held (never answered). */
  status: number | undefined;
}

/** What the receiver answers the next request: a status, or 'hold' to leave it hanging. */
export type Answer = number | 'hold';

/**
 * A webhook receiver on 127.0.0.1 for subscription tests: records every request and answers
 * from a script (then 200).
 */
export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  /** Answers for the next requests, in order; 200 once empty. */
  readonly script: Answer[] = [];
  private readonly held: ServerResponse[] = [];
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = this.script.shift() ?? 200;
      const delivery: Delivery = { headers: req.headers, body: Buffer.concat(chunks), status: undefined };
      this.deliveries.push(delivery);
      if (answer === 'hold') {
        this.held.push(res);
        return;
      }
      delivery.status = answer;
      res.writeHead(answer).end();
    });
  });

  static async start(): Promise<WebhookReceiver> {
    const r = new WebhookReceiver();
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Event IDs of the deliveries answered 2xx, in the order received. */
  acceptedEventIDs(): string[] {
    return this.deliveries
      .filter((d) => d.status !== undefined && d.status >= 200 && d.status < 300)
      .flatMap((d) => eventIDsOf(d.body));
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

export function eventIDsOf(body: Buffer): string[] {
  const doc = JSON.parse(body.toString('utf8')) as {
    epcisBody: { queryResults: { resultsBody: { eventList: Array<{ eventID: string }> } } };
  };
  return doc.epcisBody.queryResults.resultsBody.eventList.map((e) => e.eventID);
}
