import { lookup } from 'node:dns/promises';
import { CODE_IP4, CODE_IP6, type Component, type Multiaddr, multiaddr } from '@multiformats/multiaddr';

const FAMILY: Record<string, 0 | 4 | 6> = { dns: 0, dns4: 4, dns6: 6 };

/**
 * Turns /dns4, /dns6 and /dns host names into IP multiaddrs with the system resolver, at every dial
 * so a container that comes back with a new address is found. libp2p 3 itself only resolves
 * /dnsaddr; @libp2p/tcp would hand a /dns4 name to net.connect unresolved, without pinning the
 * address family. A name that does not resolve (a stopped container) yields no address.
 */
export async function resolveDialAddrs(addrs: Multiaddr[], signal?: AbortSignal): Promise<Multiaddr[]> {
  const out = await Promise.all(
    addrs.map(async (addr): Promise<Multiaddr[]> => {
      const [first, ...rest] = addr.getComponents();
      const family = first === undefined ? undefined : FAMILY[first.name];
      if (first === undefined || family === undefined || first.value === undefined) return [addr];
      try {
        const found = await abortable(lookup(first.value, { all: true, family }), signal);
        return found.map(({ address, family: f }) => {
          const ip: Component =
            f === 6
              ? { code: CODE_IP6, name: 'ip6', value: address }
              : { code: CODE_IP4, name: 'ip4', value: address };
          return multiaddr([ip, ...rest]);
        });
      } catch (err) {
        if (signal?.aborted) throw err;
        return [];
      }
    }),
  );
  const seen = new Set<string>();
  return out.flat().filter((a) => {
    const key = a.toString();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** getaddrinfo cannot be cancelled; stop waiting for it when the dial is abandoned. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
