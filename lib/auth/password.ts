import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import { z } from 'zod'

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>

// scrypt is memory-hard; N=2^15 costs ~32 MiB and ~60 ms per hash here, which is the point.
const params = { N: 2 ** 15, r: 8, p: 1 }
const keyLength = 32
const maxmem = 64 * 1024 * 1024

const common = new Set(['password123', 'password1234', '1234567890', '12345678910', 'qwertyuiop', 'iloveyou123', 'churnless123'])

export const passwordSchema = z
  .string()
  .min(10, 'Use at least 10 characters.')
  .max(200, 'Use at most 200 characters.')
  .refine((p) => !common.has(p.toLowerCase()), 'This password is too common; choose another.')
  .refine((p) => new Set(p).size >= 4, 'Use a less repetitive password.')

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const hash = await scrypt(password, salt, keyLength, { ...params, maxmem })
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), hash.toString('base64')].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem })
  return timingSafeEqual(actual, expected)
}

/** Burns the same time as a real check, so a wrong email is as slow as a wrong password. */
const decoy = hashPassword('decoy-password-for-timing')
export async function verifyAgainstDecoy(password: string): Promise<false> {
  await verifyPassword(password, await decoy)
  return false
}
