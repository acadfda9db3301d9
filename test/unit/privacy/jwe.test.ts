import { GeneralEncrypt, type GeneralJWE, generalDecrypt, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateEncryptionKey } from '../../../services/crypto/index.js';
import { Decrypter, encryptSealed, JWE_ALG, JWE_ENC, SEALED_CTY } from '../../../services/privacy/index.js';

// The sealed part is standard JWE General JSON (ECDH-ES+A256KW over X25519, A256GCM): whatever the
// node encrypts, jose decrypts, and the node decrypts what jose encrypts, one recipient and several.

const a = await generateEncryptionKey('org-a');
const b = await generateEncryptionKey('org-b');
const plaintext = new TextEncoder().encode(JSON.stringify({ po: 'MK-PO-1', note: 'é€😀' }));
const aad = new TextEncoder().encode('waybill/sealed/v1\n{"network":"n"}');

async function joseEncrypt(keys: (typeof a)[]): Promise<GeneralJWE> {
  const jwe = new GeneralEncrypt(plaintext)
    .setProtectedHeader({ enc: JWE_ENC, cty: SEALED_CTY })
    .setAdditionalAuthenticatedData(aad);
  for (const key of keys) {
    const { kty, crv, x } = key.publicKey;
    jwe.addRecipient(await importJWK({ kty, crv, x }, JWE_ALG)).setUnprotectedHeader({
      alg: JWE_ALG,
      kid: key.publicKey.kid,
    });
  }
  return jwe.encrypt();
}

async function joseDecrypt(jwe: GeneralJWE, key: typeof a): Promise<Uint8Array> {
  const { kty, crv, x, d, kid } = key.privateJwk;
  const mine = jwe.recipients.find((r) => r.header?.kid === kid);
  const { plaintext: out } = await generalDecrypt(
    { ...jwe, recipients: mine ? [mine] : [] },
    await importJWK({ kty, crv, x, d }, JWE_ALG),
  );
  return out;
}

describe('sealed JWE', () => {
  it('is decrypted by jose for each recipient', async () => {
    const jwe = encryptSealed(plaintext, aad, [a.publicKey, b.publicKey]);
    expect(jwe.recipients.map((r) => r.header?.kid)).toEqual([a.publicKey.kid, b.publicKey.kid]);
    expect(await joseDecrypt(jwe, a)).toEqual(plaintext);
    expect(await joseDecrypt(jwe, b)).toEqual(plaintext);
  });

  it("decrypts jose's, with the ephemeral key in the protected header (one recipient) or each recipient's", async () => {
    for (const keys of [[a], [a, b]]) {
      const jwe = await joseEncrypt(keys);
      for (const key of keys) {
        expect(Buffer.from(new Decrypter([key.privateJwk]).decrypt(jwe, aad) as Uint8Array)).toEqual(
          Buffer.from(plaintext),
        );
      }
    }
  });

  it('answers undefined to a node that is no recipient, and throws on any change', () => {
    const jwe = encryptSealed(plaintext, aad, [a.publicKey]);
    expect(new Decrypter([b.privateJwk]).decrypt(jwe, aad)).toBeUndefined();
    const mine = new Decrypter([a.privateJwk]);
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const r0 = jwe.recipients[0] as NonNullable<GeneralJWE['recipients']>[number];
    const tampered: GeneralJWE[] = [
      { ...jwe, ciphertext: flip(jwe.ciphertext) },
      { ...jwe, tag: flip(jwe.tag as string) },
      { ...jwe, iv: flip(jwe.iv as string) },
      { ...jwe, protected: Buffer.from('{"enc":"A256GCM"}').toString('base64url') },
      { ...jwe, recipients: [{ ...r0, encrypted_key: flip(r0.encrypted_key as string) }] },
      {
        ...jwe,
        recipients: [
          { ...r0, header: { ...r0.header, epk: { ...(r0.header?.epk as object), x: b.publicKey.x } } },
        ],
      },
    ];
    for (const t of tampered) expect(() => mine.decrypt(t, aad)).toThrow();
    expect(() => mine.decrypt(jwe, new TextEncoder().encode('other'))).toThrow(/aad/);
  });
});
