import { privateKeyFromRaw, publicKeyFromRaw } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey, peerIdFromPublicKey as peerIdFromPublicKeyObject } from '@libp2p/peer-id';
import { ed25519 } from '@noble/curves/ed25519.js';

/**
 * The libp2p identity of a node is its Ed25519 node key: the same key that signs its votes. libp2p
 * takes an Ed25519 private key as the 32-byte seed followed by the 32-byte public key.
 */
export function privateKeyFromSeed(seed: Uint8Array): PrivateKey {
  if (seed.length !== 32) throw new TypeError('an Ed25519 seed is 32 bytes');
  const raw = new Uint8Array(64);
  raw.set(seed, 0);
  raw.set(ed25519.getPublicKey(seed), 32);
  return privateKeyFromRaw(raw);
}

/** The libp2p peer id (base58 multihash of the public key) of a node key; genesis records it. */
export function peerIdFromSeed(seed: Uint8Array): string {
  return peerIdFromPrivateKey(privateKeyFromSeed(seed)).toString();
}

/** The peer id of an Ed25519 node public key (32 bytes): what a member file must name. */
export function peerIdFromPublicKey(publicKey: Uint8Array): string {
  return peerIdFromPublicKeyObject(publicKeyFromRaw(publicKey)).toString();
}
