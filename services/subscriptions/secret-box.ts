import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readPrivateFile, writeSecretKeyFile } from '../config/index.js';

const PREFIX = 'v1.';
const ALGORITHM = 'aes-256-gcm';

/**
 * Seals subscription signatureTokens for the subscriptions table, so a copy of the SQLite file (a
 * backup, a stolen disk) does not hand out the HMAC keys receivers trust. AES-256-GCM with a key
 * kept in the node's key directory (mode 0600), beside node.key; the id of the subscription is the
 * associated data, so a sealed token cannot be moved to another row. Sealed form:
 * `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Uint8Array): SecretBox {
    if (key.length !== 32) throw new Error('a subscription secret key is 32 bytes');
    return new SecretBox(Buffer.from(key));
  }

  /** The key in `path`, created (0600) when the node starts without one. */
  static fromKeyFile(path: string): SecretBox {
    if (!existsSync(path)) writeSecretKeyFile(path);
    return SecretBox.fromKey(Buffer.from(readPrivateFile(path), 'hex'));
  }

  seal(plain: string, id: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.key, iv).setAAD(Buffer.from(id));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
  }

  /** Throws when `sealed` was not sealed with this key for this id. */
  open(sealed: string, id: string): string {
    const [iv, tag, data] = sealed
      .slice(PREFIX.length)
      .split('.')
      .map((p) => Buffer.from(p, 'base64url'));
    if (!SecretBox.isSealed(sealed) || !iv || !tag || !data) throw new Error('not a sealed secret');
    const decipher = createDecipheriv(ALGORITHM, this.key, iv).setAAD(Buffer.from(id)).setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  }

  static isSealed(value: string): boolean {
    return value.startsWith(PREFIX);
  }
}

/** Seals the signatureTokens a node before sealing stored in plain text; run at start. */
export function sealPlainSecrets(
  subscriptions: {
    secrets(): Array<{ id: string; secret: string }>;
    setSecret(id: string, secret: string): void;
  },
  box: SecretBox,
): number {
  const plain = subscriptions.secrets().filter((s) => !SecretBox.isSealed(s.secret));
  for (const { id, secret } of plain) subscriptions.setSecret(id, box.seal(secret, id));
  return plain.length;
}
