import { lookup as dnsLookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';
import { ErrorCode, WaybillError } from '../common/index.js';
import { parseCidrs } from '../config/index.js';

/** Every address a host name resolves to (IPv4 and IPv6). */
export type ResolveAll = (hostname: string) => Promise<string[]>;

export const resolveAll: ResolveAll = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Host names refused by name, before any lookup: they name this machine or a cloud's instance
 * metadata service, whatever a resolver (or a hosts file) makes of them.
 */
const DENIED_NAMES = [
  /^localhost$/,
  /\.localhost$/,
  /^metadata$/,
  /^metadata\.google\.internal$/,
  /^metadata\.goog$/,
  /^instance-data(\.ec2\.internal)?$/,
  /^metadata\.azure\.com$/,
  /^metadata\.tencentyun\.com$/,
  /^metadata\.oraclecloud\.com$/,
];

export interface DestPolicyOptions {
  /**
   * CIDR ranges node.json allows although they are internal (`subscriptions.allowedDestinations`),
   * e.g. `["10.20.0.0/16"]` for an ERP inside the operator's network. Checked by `parseCidrs`.
   */
  allow?: readonly string[];
  /** The node's own API: never a destination, allowed range or not. */
  self?: { host: string; port: number };
  /** Injected for tests; DNS otherwise. */
  resolve?: ResolveAll;
}

/** A parsed CIDR list; throws with the offending entry when one is not a CIDR range. */
export function destNotAllowed(message: string): WaybillError {
  return new WaybillError(ErrorCode.DestinationNotAllowed, message);
}

const bracketless = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Where webhooks may go (issue 19, SSRF): only to global unicast addresses (ipaddr.js's `unicast`
 * range), so never to loopback, private (10/8, 172.16/12, 192.168/16), link-local (169.254/16 and
 * its metadata address, fe80::/10), unique-local (fc00::/7), multicast, unspecified, carrier-grade
 * NAT, reserved, or IPv4 hidden in IPv6 (mapped, NAT64, 6to4, Teredo), nor to the node's own API,
 * unless node.json allows the range. The WHATWG URL parser already turns 127.1, 2130706433 and
 * 0x7f000001 into 127.0.0.1; every address a name resolves to must pass, so a name with one
 * internal record is refused.
 */
export class DestPolicy {
  private readonly allow: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
  private readonly resolve: ResolveAll;

  constructor(private readonly opts: DestPolicyOptions = {}) {
    this.allow = parseCidrs(opts.allow ?? []);
    this.resolve = opts.resolve ?? resolveAll;
  }

  /** Why `address` (an IP literal) may not be called on `port`, or undefined when it may. */
  addressProblem(address: string, port: number): string | undefined {
    if (!ipaddr.isValid(address)) return `'${address}' is not an IP address`;
    const parsed = ipaddr.process(address); // IPv4-mapped IPv6 is judged as the IPv4 it maps
    const self = this.opts.self;
    if (self && port === self.port && this.isSelf(parsed, self.host)) return "it is this node's own API";
    const range = parsed.range();
    if (range === 'unicast') return undefined;
    if (this.allow.some((cidr) => parsed.kind() === cidr[0].kind() && parsed.match(cidr))) return undefined;
    return `${address} is ${range === 'private' ? 'a private' : `a ${range}`} address; node.json subscriptions.allowedDestinations can allow its range`;
  }

  /**
   * The addresses to connect to for `url`, all checked; throws DESTINATION_NOT_ALLOWED otherwise.
   * The caller connects to one of these, never to the name again (DNS rebinding).
   */
  async addresses(url: URL): Promise<string[]> {
    const host = bracketless(url.hostname).toLowerCase().replace(/\.$/, '');
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    if (DENIED_NAMES.some((re) => re.test(host)))
      throw destNotAllowed(`dest host '${host}' names this machine or a metadata service`);
    let found: string[];
    if (ipaddr.isValid(host)) found = [host];
    else {
      try {
        found = await this.resolve(host);
      } catch (err) {
        throw destNotAllowed(
          `dest host '${host}' does not resolve (${(err as { code?: string }).code ?? 'error'})`,
        );
      }
      if (found.length === 0) throw destNotAllowed(`dest host '${host}' does not resolve`);
    }
    for (const address of found) {
      const problem = this.addressProblem(address, port);
      if (problem) throw destNotAllowed(`dest '${url.origin}' is not allowed: ${problem}`);
    }
    return found;
  }

  private isSelf(address: ipaddr.IPv4 | ipaddr.IPv6, host: string): boolean {
    const h = bracketless(host);
    if (!ipaddr.isValid(h)) return false;
    const own = ipaddr.process(h);
    const same = (a: string) => {
      const b = ipaddr.process(a);
      return b.kind() === address.kind() && b.toNormalizedString() === address.toNormalizedString();
    };
    // A node listening on every interface answers on each of them, loopback included.
    if (own.range() === 'unspecified')
      return (
        address.range() === 'loopback' ||
        address.range() === 'unspecified' ||
        Object.values(networkInterfaces()).some((list) => list?.some((i) => same(i.address)))
      );
    return same(h);
  }
}
