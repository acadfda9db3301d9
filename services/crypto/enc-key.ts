import { exportJWK, generateKeyPair } from 'jose';

/**
 * A member's X25519 encryption public key as genesis lists it (design privacy.md 3.6). Sealed
 * event fields are encrypted to it (JWE ECDH-ES+A256KW). `from`: the height from which captures
 * may seal to it (0 at genesis). Never the Ed25519 signing key: one key, one purpose.
 */
export interface EncryptionPublicKey {
  kid: string;
  kty: 'OKP';
  crv: 'X25519';
  x: string;
  from: number;
}

/** The private half as the org's `enc.key` file holds it (mode 0600, beside node.key). */
export interface EncryptionPrivateJwk {
  kid: string;
  kty: 'OKP';
  crv: 'X25519';
  x: string;
  d: string;
}

/** The file name of an org's private encryption key, beside node.key. */
export const ENC_KEY_FILE = 'enc.key';

/** The kid of an org's n-th encryption key: `<org>#<n>` (unique in the network, as org ids are). */
export function encryptionKid(org: string, n = 1): string {
  return `${org}#${n}`;
}

/**
 * The file name of an org's later encryption key `<org>#<n>`, beside enc.key: `enc-<n>.key`. A
 * node loads enc.key and every such file, so after a rotation it still opens what was sealed to
 * its earlier keys (docs/privacy.md, keys).
 */
export function encKeyFileOf(n: number): string {
  return `enc-${n}.key`;
}

/** Whether a file name is one encKeyFileOf writes. */
export const ENC_KEY_FILE_PATTERN = /^enc-[1-9][0-9]{0,8}\.key$/;

/** A new X25519 key pair for `org`, its `n`-th: `network init` and `member init` write the first. */
export async function generateEncryptionKey(
  org: string,
  from = 0,
  n = 1,
): Promise<{ privateJwk: EncryptionPrivateJwk; publicKey: EncryptionPublicKey }> {
  const { privateKey } = await generateKeyPair('ECDH-ES+A256KW', { crv: 'X25519', extractable: true });
  const { x, d } = await exportJWK(privateKey);
  if (!x || !d) throw new Error('exported X25519 key lacks x or d');
  const kid = encryptionKid(org, n);
  return {
    privateJwk: { kid, kty: 'OKP', crv: 'X25519', x, d },
    publicKey: { kid, kty: 'OKP', crv: 'X25519', x, from },
  };
}

const B64URL = /^[A-Za-z0-9_-]{43}$/;

/** A parsed `enc.key` file, or a reason it is not one (its content is never echoed: it is secret). */
export function parseEncryptionPrivateJwk(text: string): EncryptionPrivateJwk | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'is not JSON';
  }
  const jwk = data as Partial<EncryptionPrivateJwk> | null;
  if (jwk?.kty !== 'OKP' || jwk.crv !== 'X25519') return 'is not an X25519 JWK (kty OKP, crv X25519)';
  if (typeof jwk.kid !== 'string' || jwk.kid.length === 0) return 'has no kid';
  if (typeof jwk.x !== 'string' || !B64URL.test(jwk.x)) return 'has no 32-byte x';
  if (typeof jwk.d !== 'string' || !B64URL.test(jwk.d)) return 'has no 32-byte d';
  return { kid: jwk.kid, kty: 'OKP', crv: 'X25519', x: jwk.x, d: jwk.d };
}
