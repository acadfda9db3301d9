import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hash,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { GeneralJWE } from 'jose';
import { canonicalBytes } from '../common/index.js';
import type { EncryptionPrivateJwk, EncryptionPublicKey } from '../crypto/index.js';

/**
 * The sealed part of a capture as JWE General JSON (RFC 7516): one content key per document and
 * recipient set (A256GCM), wrapped for each recipient with ECDH-ES+A256KW over X25519 (RFC 7518
 * §4.6, RFC 8037). The additional authenticated data binds the ciphertext to its network,
 * capturing org and the roots of its events' field trees, so it cannot be moved onto another
 * transaction.
 *
 * Written on node:crypto's synchronous primitives rather than through `jose`, which made the
 * format's first version: jose works through WebCrypto, a promise and a thread-pool round trip per
 * step, and on this machine took 500–1,000 µs of CPU per recipient to encrypt and 900 µs to decrypt
 * a group, most of a sealed network's extra cost per event; the same steps here take about 150 µs
 * (docs/privacy.md, Cost). The output is the same standard JWE: test/unit/privacy/jwe.test.ts
 * decrypts ours with jose and jose's with ours, one recipient and several.
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

/** RFC 3394's default initial value, which A256KW uses. */
const KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
const PROTECTED = Buffer.from(JSON.stringify({ enc: JWE_ENC, cty: SEALED_CTY })).toString('base64url');
const b64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
const unb64 = (text: unknown, what: string): Buffer => {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text))
    throw new Error(`the JWE's ${what} is not base64url`);
  return Buffer.from(text, 'base64url');
};

/**
 * The key-encryption key of ECDH-ES+A256KW: the Concat KDF of NIST SP 800-56A with SHA-256 over
 * the shared secret, for 256 bits (one round), AlgorithmID the `alg`, PartyUInfo and PartyVInfo
 * the `apu` and `apv` (empty when absent), SuppPubInfo the key length in bits (RFC 7518 §4.6.2).
 */
function keyEncryptionKey(z: Buffer, apu: Buffer, apv: Buffer): Buffer {
  const alg = Buffer.from(JWE_ALG, 'ascii');
  const input = Buffer.alloc(4 + z.length + 4 + alg.length + 4 + apu.length + 4 + apv.length + 4);
  let at = input.writeUInt32BE(1, 0);
  at += z.copy(input, at);
  at = input.writeUInt32BE(alg.length, at);
  at += alg.copy(input, at);
  at = input.writeUInt32BE(apu.length, at);
  at += apu.copy(input, at);
  at = input.writeUInt32BE(apv.length, at);
  at += apv.copy(input, at);
  input.writeUInt32BE(256, at);
  return hash('sha256', input, 'buffer') as unknown as Buffer;
}

const publicKeys = new Map<string, KeyObject>();

function publicKeyOf(key: EncryptionPublicKey): KeyObject {
  const cacheKey = `${key.kid}:${key.x}`;
  let imported = publicKeys.get(cacheKey);
  if (!imported) {
    imported = createPublicKey({ key: { kty: key.kty, crv: key.crv, x: key.x }, format: 'jwk' });
    publicKeys.set(cacheKey, imported);
  }
  return imported;
}

/** Encrypts `plaintext` to `recipients`, each with a fresh ephemeral key (RFC 7518 §4.6 requires one per agreement). */
export function encryptSealed(
  plaintext: Uint8Array,
  aad: Uint8Array,
  recipients: readonly EncryptionPublicKey[],
): GeneralJWE {
  const cek = randomBytes(32);
  const iv = randomBytes(12);
  const aadText = b64(aad);
  const cipher = createCipheriv('aes-256-gcm', cek, iv);
  cipher.setAAD(Buffer.from(`${PROTECTED}.${aadText}`, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  const wrapped = recipients.map((key) => {
    const ephemeral = generateKeyPairSync('x25519');
    const z = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: publicKeyOf(key) });
    const wrap = createCipheriv(
      'id-aes256-wrap',
      keyEncryptionKey(z, Buffer.alloc(0), Buffer.alloc(0)),
      KW_IV,
    );
    const encryptedKey = Buffer.concat([wrap.update(cek), wrap.final()]);
    const { x } = ephemeral.publicKey.export({ format: 'jwk' });
    return {
      encrypted_key: encryptedKey.toString('base64url'),
      header: { alg: JWE_ALG, kid: key.kid, epk: { x: x as string, crv: 'X25519', kty: 'OKP' } },
    };
  });
  return {
    ciphertext: ciphertext.toString('base64url'),
    iv: iv.toString('base64url'),
    tag: tag.toString('base64url'),
    aad: aadText,
    protected: PROTECTED,
    recipients: wrapped,
  };
}

type Header = Record<string, unknown>;
const isHeader = (h: unknown): h is Header => typeof h === 'object' && h !== null && !Array.isArray(h);

/** A private key, imported once. */
export class Decrypter {
  private readonly keys = new Map<string, KeyObject>();

  constructor(private readonly privateKeys: readonly EncryptionPrivateJwk[]) {}

  /** The kids this node can decrypt for. */
  get kids(): string[] {
    return this.privateKeys.map((k) => k.kid);
  }

  private key(kid: string): KeyObject | undefined {
    let key = this.keys.get(kid);
    if (!key) {
      const jwk = this.privateKeys.find((k) => k.kid === kid);
      if (!jwk) return undefined;
      key = createPrivateKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d }, format: 'jwk' });
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
   * when the JWE does not decrypt (tampered, other AAD, not this format): the caller reports a
   * seal fault.
   */
  decrypt(jwe: GeneralJWE, aad: Uint8Array): Uint8Array | undefined {
    const mine = (jwe.recipients ?? []).find(
      (r) => typeof r.header?.kid === 'string' && this.key(r.header.kid),
    );
    const kid = mine?.header?.kid;
    if (!mine || !kid) return undefined;
    const key = this.key(kid) as KeyObject;
    if (jwe.aad !== b64(aad)) throw new Error('the JWE is bound to another transaction (aad)');
    const protectedText = typeof jwe.protected === 'string' ? jwe.protected : '';
    const shared = JSON.parse(unb64(protectedText, 'protected header').toString('utf8')) as unknown;
    if (!isHeader(shared)) throw new Error("the JWE's protected header is not an object");
    const header: Header = {
      ...shared,
      ...(isHeader(jwe.unprotected) ? jwe.unprotected : {}),
      ...mine.header,
    };
    if (header.alg !== JWE_ALG || header.enc !== JWE_ENC)
      throw new Error(`the JWE is not ${JWE_ALG} with ${JWE_ENC}`);
    // Nothing this format does not define: compression, or extensions a recipient must understand.
    if (header.zip !== undefined || header.crit !== undefined) throw new Error('the JWE uses zip or crit');
    const epk = header.epk;
    if (!isHeader(epk) || epk.kty !== 'OKP' || epk.crv !== 'X25519' || typeof epk.x !== 'string')
      throw new Error('the JWE has no X25519 epk');
    const ephemeral = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: epk.x }, format: 'jwk' });
    // OpenSSL refuses an all-zero shared secret (a low-order epk): it throws here.
    const z = diffieHellman({ privateKey: key, publicKey: ephemeral });
    const apu = header.apu === undefined ? Buffer.alloc(0) : unb64(header.apu, 'apu');
    const apv = header.apv === undefined ? Buffer.alloc(0) : unb64(header.apv, 'apv');
    const unwrap = createDecipheriv('id-aes256-wrap', keyEncryptionKey(z, apu, apv), KW_IV);
    const cek = Buffer.concat([unwrap.update(unb64(mine.encrypted_key, 'encrypted_key')), unwrap.final()]);
    if (cek.length !== 32) throw new Error('the JWE content key is not 256 bits');
    const iv = unb64(jwe.iv, 'iv');
    const tag = unb64(jwe.tag, 'tag');
    if (iv.length !== 12 || tag.length !== 16) throw new Error("the JWE's iv or tag has the wrong length");
    const decipher = createDecipheriv('aes-256-gcm', cek, iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(`${protectedText}.${jwe.aad}`, 'ascii'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(unb64(jwe.ciphertext, 'ciphertext')), decipher.final()]);
  }
}
