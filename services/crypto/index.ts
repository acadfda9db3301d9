export { createSigner, generateSeed, publicKeyOf, type Signer, type Verify, verify } from './ed25519.js';
export {
  ENC_KEY_FILE,
  ENC_KEY_FILE_PATTERN,
  type EncryptionPrivateJwk,
  type EncryptionPublicKey,
  encKeyFileOf,
  encryptionKid,
  generateEncryptionKey,
  parseEncryptionPrivateJwk,
} from './enc-key.js';
export { generateIssuerKey, ISSUER_ALG, type PrivateJwk, type PublicJwk } from './issuer-key.js';
