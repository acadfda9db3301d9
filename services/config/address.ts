import { isIP } from 'node:net';

/** The libp2p multiaddr of a host and port: ip4/ip6 for addresses, dns4 for names (containers). */
export function p2pMultiaddr(host: string, port: number): string {
  const kind = isIP(host);
  if (kind === 4) return `/ip4/${host}/tcp/${port}`;
  if (kind === 6) return `/ip6/${host}/tcp/${port}`;
  return `/dns4/${host}/tcp/${port}`;
}

/** Where a node listens: its own address when it is an IP, all interfaces when it is a name. */
export function listenHost(host: string): string {
  return isIP(host) ? host : '0.0.0.0';
}

export function apiUrl(host: string, port: number): string {
  return isIP(host) === 6 ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

/** Where a process on the same host reaches a server listening on `host` (any-address → loopback). */
export function localHost(listenOn: string): string {
  if (listenOn === '0.0.0.0' || listenOn === '') return '127.0.0.1';
  if (listenOn === '::') return '::1';
  return listenOn;
}
