export { createSigner, generateSeed, publicKeyOf, type Signer, type Verify, verify } from './ed25519.js';
export {
  ENC_KEY_FILE,
  type EncryptionPrivateJwk,
  type EncryptionPublicKey,
  encryptionKid,
  generateEncryptionKey,
  parseEncryptionPrivateJwk,
} from './enc-key.js';
export { generateIssuerKey, ISSUER_ALG, type PrivateJwk, type PublicJwk } from './issuer-key.js';
