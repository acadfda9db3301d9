import ipaddr from 'ipaddr.js';
import { ConfigError, ConfigErrorCode } from './errors.js';

/** CIDR ranges of node.json (subscriptions.allowedDestinations), checked when the config is loaded. */
export function parseCidrs(cidrs: readonly string[]): Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> {
  return cidrs.map((cidr) => {
    if (typeof cidr !== 'string' || !ipaddr.isValidCIDR(cidr))
      throw new ConfigError(ConfigErrorCode.Invalid, `'${cidr}' is not a CIDR range`);
    return ipaddr.parseCIDR(cidr);
  });
}
