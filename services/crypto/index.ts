export { createSigner, generateSeed, publicKeyOf, type Signer, type Verify, verify } from './ed25519.js';
