import '../common/polyfill.js'; // Uint8Array base64 methods: jose's encoding of every ciphertext
import { GeneralEncrypt, type GeneralJWE, generalDecrypt, importJWK } from 'jose';
import { canonicalBytes } from '../common/index.js';
import type { EncryptionPrivateJwk, EncryptionPublicKey } from '../crypto/index.js';

/**
 * The sealed part of a capture as JWE General JSON (RFC 7516) via `jose`: one content key per
 * document and recipient set (A256GCM), wrapped for each recipient with ECDH-ES+A256KW over X25519.
 * The additional authenticated data binds the ciphertext to its network, capturing org and the
 * roots of its events' field trees, so it cannot be moved onto another transaction.
 */

export const JWE_ALG = 'ECDH-ES+A256KW';
export const JWE_ENC = 'A256GCM';
export const SEALED_CTY = 'waybill-sealed+json';

export type { GeneralJWE };

/** The AAD of a sealed group: `waybill/sealed/v1\n` ‖ JCS({network, org, roots}). */
export function sealedAad(network: string, org: string, roots: readonly string[]): Uint8Array {
  const prefix = new TextEncoder().encode('waybill/sealed/v1\n');
  const body = canonicalBytes({ network, org, roots });
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix);
  out.set(body, prefix.length);
  return out;
}

type ImportedKey = Awaited<ReturnType<typeof importJWK>>;
const publicKeys = new Map<string, Promise<ImportedKey>>();

function publicKey(key: EncryptionPublicKey): Promise<ImportedKey> {
  const cacheKey = `${key.kid}:${key.x}`;
  let imported = publicKeys.get(cacheKey);
  if (!imported) {
    imported = importJWK({ kty: key.kty, crv: key.crv, x: key.x }, JWE_ALG);
    publicKeys.set(cacheKey, imported);
  }
  return imported;
}

export async function encryptSealed(
  plaintext: Uint8Array,
  aad: Uint8Array,
  recipients: readonly EncryptionPublicKey[],
): Promise<GeneralJWE> {
  const jwe = new GeneralEncrypt(plaintext)
    .setProtectedHeader({ enc: JWE_ENC, cty: SEALED_CTY })
    .setAdditionalAuthenticatedData(aad);
  for (const key of recipients) {
    jwe.addRecipient(await publicKey(key)).setUnprotectedHeader({ alg: JWE_ALG, kid: key.kid });
  }
  return jwe.encrypt();
}

/** A private key, imported once. */
export class Decrypter {
  private readonly keys = new Map<string, Promise<ImportedKey>>();

  constructor(private readonly privateKeys: readonly EncryptionPrivateJwk[]) {}

  /** The kids this node can decrypt for. */
  get kids(): string[] {
    return this.privateKeys.map((k) => k.kid);
  }

  private key(kid: string): Promise<ImportedKey> | undefined {
    let key = this.keys.get(kid);
    if (!key) {
      const jwk = this.privateKeys.find((k) => k.kid === kid);
      if (!jwk) return undefined;
      key = importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d }, JWE_ALG);
      this.keys.set(kid, key);
    }
    return key;
  }

  /** Whether one of this node's kids is among the JWE's recipients. */
  isRecipient(jwe: GeneralJWE): boolean {
    const mine = new Set(this.kids);
    return (jwe.recipients ?? []).some((r) => typeof r.header?.kid === 'string' && mine.has(r.header.kid));
  }

  /**
   * The plaintext, when one of this node's kids is a recipient; undefined when none is. Throws
   * when the JWE does not decrypt (tampered, other AAD): the caller reports a seal fault.
   */
  async decrypt(jwe: GeneralJWE, aad: Uint8Array): Promise<Uint8Array | undefined> {
    const mine = (jwe.recipients ?? []).find(
      (r) => typeof r.header?.kid === 'string' && this.key(r.header.kid),
    );
    const kid = mine?.header?.kid;
    if (!kid) return undefined;
    const key = await (this.key(kid) as Promise<ImportedKey>);
    // The JWE holds several recipients; decrypt with ours only, as a one-recipient view of it.
    const single: GeneralJWE = { ...jwe, recipients: [mine] };
    const expectedAad = Buffer.from(aad).toString('base64url');
    if (jwe.aad !== expectedAad) throw new Error('the JWE is bound to another transaction (aad)');
    const { plaintext } = await generalDecrypt(single, key, {
      keyManagementAlgorithms: [JWE_ALG],
      contentEncryptionAlgorithms: [JWE_ENC],
    });
    return plaintext;
  }
}
