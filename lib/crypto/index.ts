import { createSecretBox, type SecretBox } from './secret-box'

let box: SecretBox | undefined

/** The app's secret box, keyed from APP_ENCRYPTION_KEY (and APP_ENCRYPTION_KEY_PREVIOUS during a rotation). */
export function secretBox(): SecretBox {
  if (box) return box
  const current = process.env.APP_ENCRYPTION_KEY
  if (!current) {
    throw new Error('APP_ENCRYPTION_KEY is not set. `npm run dev` generates one into .data/encryption-key; in production set it to `openssl rand -base64 32`.')
  }
  const previous = (process.env.APP_ENCRYPTION_KEY_PREVIOUS ?? '').split(',').filter(Boolean)
  box = createSecretBox(current, previous)
  return box
}
