export { createSigner, generateSeed, publicKeyOf, type Signer, type Verify, verify } from './ed25519.js';
export { generateIssuerKey, ISSUER_ALG, type PrivateJwk, type PublicJwk } from './issuer-key.js';
