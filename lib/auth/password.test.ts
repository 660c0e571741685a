import { describe, expect, test } from 'vitest'
import { hashPassword, passwordSchema, verifyPassword } from './password'

describe('password hashing', () => {
  test('a hash verifies its password and nothing else', async () => {
    const stored = await hashPassword('correct horse battery')
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(await verifyPassword('correct horse battery', stored)).toBe(true)
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false)
  })

  test('the same password hashes differently each time (salted)', async () => {
    expect(await hashPassword('same password here')).not.toBe(await hashPassword('same password here'))
  })

  test('a malformed stored hash never verifies', async () => {
    expect(await verifyPassword('anything at all', 'plain-text')).toBe(false)
  })
})

describe('password rules', () => {
  test.each([
    ['short', 'Use at least 10 characters.'],
    ['Password123', 'This password is too common; choose another.'],
    ['aaaaaaaaaaaa', 'Use a less repetitive password.'],
  ])('%s is refused: %s', (password, message) => {
    const result = passwordSchema.safeParse(password)
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.message).toBe(message)
  })

  test('a reasonable password passes', () => {
    expect(passwordSchema.safeParse('plum-violet-42-sky').success).toBe(true)
  })
})
