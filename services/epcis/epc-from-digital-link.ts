/**
 * GS1 Digital Link URIs back to EPC URIs (GS1-EPC-Format: Always_EPC_URN). The reverse of
 * epc-uri.ts needs what a Digital Link does not carry: the length of the GS1 Company Prefix
 * inside the key. The caller says it (`gcpLength`), from what the network knows (GcpLengths);
 * without it the identifier cannot be translated and the caller keeps it as it is.
 * Written by hand like epc-uri.ts: the JavaScript libraries that encode EPCs work from binary tags
 * or barcodes and take the prefix length as an argument too, so they add nothing to this mapping.
 */

/** The GS1 Company Prefix length for a key's leading digits, or undefined when unknown. */
export type GcpLength = (keyDigits: string) => number | undefined;

/** Primary keys this translates: AI -> how. */
type Translate = (value: string, qualifiers: Map<string, string>, gcp: GcpLength) => string | undefined;

const digits = (v: string, n: number) => new RegExp(`^\\d{${n}}$`).test(v);

/** Company prefix length for a key, when known and within the Tag Data Standard's 6..12. */
function prefixLength(key: string, gcp: GcpLength): number | undefined {
  const n = gcp(key);
  return n !== undefined && n >= 6 && n <= 12 ? n : undefined;
}

/** GTIN-14 -> company prefix and item reference (indicator digit first, check digit dropped). */
function gtinParts(gtin: string, gcp: GcpLength): [string, string] | undefined {
  if (!digits(gtin, 14)) return undefined;
  const n = prefixLength(gtin.slice(1), gcp);
  if (n === undefined) return undefined;
  return [gtin.slice(1, 1 + n), gtin.slice(0, 1) + gtin.slice(1 + n, 13)];
}

/** A 13-digit key (GLN, GRAI, GDTI...) -> company prefix and reference (check digit dropped). */
function key13Parts(key: string, gcp: GcpLength): [string, string] | undefined {
  if (!digits(key, 13)) return undefined;
  const n = prefixLength(key, gcp);
  return n === undefined ? undefined : [key.slice(0, n), key.slice(n, 12)];
}

const PRIMARY: Record<string, Translate> = {
  '01': (gtin, q, gcp) => {
    const parts = gtinParts(gtin, gcp);
    if (!parts) return undefined;
    const [cp, item] = parts;
    const serial = q.get('21');
    const lot = q.get('10');
    if (serial !== undefined) return `urn:epc:id:sgtin:${cp}.${item}.${serial}`;
    if (lot !== undefined) return `urn:epc:class:lgtin:${cp}.${item}.${lot}`;
    return q.size === 0 ? `urn:epc:idpat:sgtin:${cp}.${item}.*` : undefined;
  },
  '00': (sscc, _q, gcp) => {
    if (!digits(sscc, 18)) return undefined;
    const n = prefixLength(sscc.slice(1), gcp);
    return n === undefined
      ? undefined
      : `urn:epc:id:sscc:${sscc.slice(1, 1 + n)}.${sscc.slice(0, 1)}${sscc.slice(1 + n, 17)}`;
  },
  '414': (gln, q, gcp) => {
    const parts = key13Parts(gln, gcp);
    return parts && `urn:epc:id:sgln:${parts[0]}.${parts[1]}.${q.get('254') ?? '0'}`;
  },
  '417': (gln, _q, gcp) => {
    const parts = key13Parts(gln, gcp);
    return parts && `urn:epc:id:pgln:${parts[0]}.${parts[1]}`;
  },
  '8003': (grai, _q, gcp) => {
    // "0" + GRAI-13 + serial; without a serial, the asset type (an EPC pattern).
    if (!grai.startsWith('0') || grai.length < 14) return undefined;
    const parts = key13Parts(grai.slice(1, 14), gcp);
    const serial = grai.slice(14);
    return (
      parts &&
      (serial
        ? `urn:epc:id:grai:${parts[0]}.${parts[1]}.${serial}`
        : `urn:epc:idpat:grai:${parts[0]}.${parts[1]}.*`)
    );
  },
  '8004': (giai, _q, gcp) => {
    const n = prefixLength(giai, gcp);
    return n === undefined || !digits(giai.slice(0, n), n) || giai.length <= n
      ? undefined
      : `urn:epc:id:giai:${giai.slice(0, n)}.${giai.slice(n)}`;
  },
  '8018': (gsrn, _q, gcp) => gsrnUrn('gsrn', gsrn, gcp),
  '8017': (gsrn, _q, gcp) => gsrnUrn('gsrnp', gsrn, gcp),
  '253': (gdti, _q, gcp) => {
    const parts = key13Parts(gdti.slice(0, 13), gcp);
    const serial = gdti.slice(13);
    return (
      parts &&
      (serial
        ? `urn:epc:id:gdti:${parts[0]}.${parts[1]}.${serial}`
        : `urn:epc:idpat:gdti:${parts[0]}.${parts[1]}.*`)
    );
  },
};

function gsrnUrn(scheme: string, gsrn: string, gcp: GcpLength): string | undefined {
  if (!digits(gsrn, 18)) return undefined;
  const n = prefixLength(gsrn, gcp);
  return n === undefined ? undefined : `urn:epc:id:${scheme}:${gsrn.slice(0, n)}.${gsrn.slice(n, 17)}`;
}

/**
 * The EPC URI of a GS1 Digital Link URI (any domain, e.g. https://id.gs1.org/01/.../21/...),
 * or undefined when it is none, its key is not one EPC URIs have, or the prefix length is unknown.
 */
export function digitalLinkToEpc(uri: string, gcp: GcpLength): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const segments = url.pathname.split('/').filter(Boolean);
  // The key is the first AI of the path the table knows; a Digital Link may have a path prefix.
  const at = segments.findIndex((s, i) => Object.hasOwn(PRIMARY, s) && i + 1 < segments.length);
  if (at < 0) return undefined;
  const ai = segments[at] as string;
  const value = segments[at + 1] as string;
  const qualifiers = new Map<string, string>();
  for (let i = at + 2; i + 1 < segments.length; i += 2)
    qualifiers.set(segments[i] as string, segments[i + 1] as string);
  return PRIMARY[ai]?.(value, qualifiers, gcp);
}

/**
 * GS1 Company Prefix lengths the node knows: longest matching prefix wins. EPC URIs carry the
 * prefix as a field of its own, so every EPC URI the network names (the members' parties and
 * locations in genesis) teaches the length of its company's prefix. GS1's full prefix-length
 * table is not bundled: it is a large, changing GS1 download, not in any package registry.
 */
export class GcpLengths {
  private readonly prefixes: ReadonlySet<string>;

  /** GS1 Company Prefixes (6 to 12 digits): a prefix's length is its number of digits. */
  constructor(prefixes: Iterable<string>) {
    this.prefixes = new Set([...prefixes].filter((p) => /^\d{6,12}$/.test(p)));
  }

  /** The company prefixes EPC URIs name (`urn:epc:id:sgln:0614141.00001.0`: their first field). */
  static prefixesOf(uris: Iterable<string>): string[] {
    const out: string[] = [];
    for (const uri of uris) {
      const m = /^urn:epc:(?:id|class|idpat):[a-z]+:(\d{6,12})\./.exec(uri);
      if (m?.[1]) out.push(m[1]);
    }
    return out;
  }

  static fromEpcUris(uris: Iterable<string>): GcpLengths {
    return new GcpLengths(GcpLengths.prefixesOf(uris));
  }

  readonly lengthOf: GcpLength = (keyDigits) => {
    for (let n = 12; n >= 6; n--) if (this.prefixes.has(keyDigits.slice(0, n))) return n;
    return undefined;
  };
}
