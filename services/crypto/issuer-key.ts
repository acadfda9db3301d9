import { exportJWK, generateKeyPair } from 'jose';

/** A public JWK of an org's token issuer (Ed25519, EdDSA). */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid?: string;
}

/** An org's token issuer key as stored in its private `jwt.key` file. */
export interface PrivateJwk extends PublicJwk {
  d: string;
  kid: string;
}

export const ISSUER_ALG = 'EdDSA';

/** A new token issuer key pair for `org` (written by `network init`, used by the API's tokens). */
export async function generateIssuerKey(
  org: string,
): Promise<{ privateJwk: PrivateJwk; publicJwk: PublicJwk }> {
  const { privateKey } = await generateKeyPair(ISSUER_ALG, { crv: 'Ed25519', extractable: true });
  const { x, d } = await exportJWK(privateKey);
  if (!x || !d) throw new Error('exported Ed25519 key lacks x or d');
  return {
    privateJwk: { kty: 'OKP', crv: 'Ed25519', x, d, kid: org },
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x, kid: org },
  };
}
