// GET|POST /api/auth/* — Auth.js sign-in, sign-out, session and OAuth callbacks
import { handlers } from '@/lib/auth/next-auth'

export const { GET, POST } = handlers
