import type { MemberDialer } from './dialer.js';
import { P2PError, P2PErrorCode } from './errors.js';
import type { P2PComponents } from './members.js';

export type IsolationComponents = Pick<P2PComponents, 'members' | 'state' | 'libp2p' | 'log'> & {
  dialer: Pick<MemberDialer, 'cancel' | 'markDisconnected' | 'connectionTo' | 'scheduleDial'>;
};

/**
 * Fault injection, for tests only (the faults suite, through the CLI's SIGUSR2 switch when
 * WAYBILL_FAULT_INJECTION is set): the switch the gater, dialer and services read, and what
 * flipping it does. Kept here so the services carry no test code beyond reading the switch.
 */
export class Isolation {
  on = false;

  constructor(private readonly c: IsolationComponents) {}

  set(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    const { members, state, libp2p, log, dialer } = this.c;
    if (!state.running()) return;
    if (on) {
      for (const m of members.others()) {
        dialer.cancel(m);
        // At once, not on libp2p's disconnect event: nothing may be sent from now on.
        dialer.markDisconnected(m);
        for (const connection of libp2p().getConnections(m.peerId))
          connection.abort(new P2PError(P2PErrorCode.Refused, 'isolated'));
      }
      log.info({}, 'p2p network isolated from every member');
    } else {
      log.info({}, 'p2p network isolation lifted: dialing members again');
      for (const m of members.others()) {
        if (dialer.connectionTo(m) === undefined) dialer.scheduleDial(m);
      }
    }
  }
}
