import { secretBox } from '../crypto'
import { db } from '../db'
import type { ConnectionDeps } from './connection-deps'

/** The app's real dependencies for connection services. */
export function connectionDeps(): ConnectionDeps {
  return { db: db(), box: secretBox() }
}
