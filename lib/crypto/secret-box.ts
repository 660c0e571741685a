import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

// Secrets at rest (Stripe keys, webhook signing secrets): AES-256-GCM with a random 96-bit IV
// per value. Each ciphertext names the key it was sealed with (first 8 hex of SHA-256 of the
// key), so a new APP_ENCRYPTION_KEY can be introduced while the previous one still opens old
// values (APP_ENCRYPTION_KEY_PREVIOUS), and re-encryption can happen row by row.

export type SecretBox = {
  seal(plaintext: string): string
  open(sealed: string): string
  /** True when the value was sealed with an older key and should be re-sealed. */
  isStale(sealed: string): boolean
}

export class SecretBoxError extends Error {
  override name = 'SecretBoxError'
}

const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8)

function decodeKey(base64: string, name: string): Buffer {
  const key = Buffer.from(base64, 'base64')
  if (key.length !== 32) throw new SecretBoxError(`${name} must be 32 random bytes in base64 (generate one with \`openssl rand -base64 32\`).`)
  return key
}

export function createSecretBox(currentKey: string, previousKeys: string[] = []): SecretBox {
  const current = decodeKey(currentKey, 'APP_ENCRYPTION_KEY')
  const currentId = keyIdOf(current)
  const keys = new Map([[currentId, current], ...previousKeys.map((k) => decodeKey(k, 'APP_ENCRYPTION_KEY_PREVIOUS')).map((k) => [keyIdOf(k), k] as const)])

  return {
    seal(plaintext) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', current, iv)
      cipher.setAAD(Buffer.from(`v1:${currentId}`))
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return ['v1', currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':')
    },
    open(sealed) {
      const [version, keyId, iv, tag, body] = sealed.split(':')
      if (version !== 'v1' || !keyId || !iv || !tag || body === undefined) throw new SecretBoxError('This stored secret is not in a format Churnless can read.')
      const key = keys.get(keyId)
      if (!key) throw new SecretBoxError(`This secret was encrypted with a key that is not configured (key id ${keyId}). Set APP_ENCRYPTION_KEY_PREVIOUS to the old key.`)
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
        decipher.setAAD(Buffer.from(`v1:${keyId}`))
        decipher.setAuthTag(Buffer.from(tag, 'base64url'))
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
      } catch {
        throw new SecretBoxError('A stored secret failed its integrity check: it was modified or corrupted.')
      }
    },
    isStale(sealed) {
      return sealed.split(':')[1] !== currentId
    },
  }
}
