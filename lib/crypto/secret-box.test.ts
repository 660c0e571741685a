import { randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { createSecretBox, SecretBoxError } from './secret-box'

const newKey = () => randomBytes(32).toString('base64')

describe('secret box (AES-256-GCM)', () => {
  const box = createSecretBox(newKey())

  test('round-trips a Stripe key without the plaintext appearing in the sealed value', () => {
    const secret = 'rk_live_51HabcdefSECRETvalue0123'
    const sealed = box.seal(secret)
    expect(sealed).not.toContain('SECRET')
    expect(box.open(sealed)).toBe(secret)
  })

  test('sealing twice gives different ciphertexts (random IV)', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'))
  })

  test.each([
    ['a flipped ciphertext byte', (s: string) => { const p = s.split(':'); p[4] = (p[4]![0] === 'A' ? 'B' : 'A') + p[4]!.slice(1); return p.join(':') }],
    ['a changed auth tag', (s: string) => { const p = s.split(':'); p[3] = Buffer.alloc(16).toString('base64url'); return p.join(':') }],
    ['a changed IV', (s: string) => { const p = s.split(':'); p[2] = Buffer.alloc(12).toString('base64url'); return p.join(':') }],
  ])('tampering is detected: %s', (_name, tamper) => {
    expect(() => box.open(tamper(box.seal('whsec_signing_secret')))).toThrowError(/integrity check/)
  })

  test('a value sealed with another key cannot be opened, and says which variable to set', () => {
    const other = createSecretBox(newKey())
    expect(() => box.open(other.seal('x'))).toThrowError(/APP_ENCRYPTION_KEY_PREVIOUS/)
  })

  test('rotation: the previous key still opens old values, which are flagged stale', () => {
    const oldKey = newKey()
    const sealedWithOld = createSecretBox(oldKey).seal('rk_test_rotated')
    const rotated = createSecretBox(newKey(), [oldKey])
    expect(rotated.open(sealedWithOld)).toBe('rk_test_rotated')
    expect(rotated.isStale(sealedWithOld)).toBe(true)
    expect(rotated.isStale(rotated.seal('fresh'))).toBe(false)
  })

  test('a wrong-size key is refused with the fix', () => {
    expect(() => createSecretBox('c2hvcnQ=')).toThrowError(SecretBoxError)
    expect(() => createSecretBox('c2hvcnQ=')).toThrowError(/openssl rand -base64 32/)
  })
})
