import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { F2_PERMISSIONS, type RunningSandbox, startSandbox } from '@/sandbox/index'
import { testDb as db } from '@/test/db'
import { secretBox } from '../crypto'
import { AppError } from '../errors'
import { loadAttributeCatalog } from '../segments/catalog-service'
import { defaultMapping } from '../sync/mapping'
import { signUp } from '../workspaces/sign-up'
import { getMappingSetup, saveMapping } from './mapping-service'

// The mapping service against a real PostgreSQL and the sandbox: type conflicts with custom
// attributes set through the activity API, an unreadable stored mapping, and the segment
// picker's attribute catalog after a save.

process.env.APP_ENCRYPTION_KEY ??= randomBytes(32).toString('base64')
const box = secretBox()
const deps = { db, box }
let sandbox: RunningSandbox

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 5, seed: 51 })
})
afterAll(() => sandbox?.close())

async function setup() {
  const { workspaceId } = await signUp(db, { name: 'Map', email: `map-${randomUUID()}@example.com`, password: 'plum-violet-42-sky' })
  const connection = await db.stripeConnection.create({
    data: { workspaceId, accountId: sandbox.accountId, mode: 'test', keyKind: 'restricted', keySealed: box.seal(sandbox.control.createKey(F2_PERMISSIONS)), keyHint: 'rk_test_…', apiBase: sandbox.url, status: 'active' },
  })
  return { workspaceId, connectionId: connection.id }
}

test('a metadata attribute whose name a custom attribute already holds with another type is refused on its row', async () => {
  const { workspaceId, connectionId } = await setup()
  // As the activity API stores them (lib/activity): seats is a number, tier a string.
  await db.contact.create({ data: { workspaceId, email: `c-${randomUUID()}@example.com`, customAttributes: { seats: 5, tier: 'gold' } } })
  const clash = defaultMapping()
  clash.metadata.push({ key: 'seats', target: 'seats', type: 'string' })
  const error = await saveMapping(deps, { workspaceId, connectionId, mapping: clash }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(AppError)
  expect((error as AppError).fieldErrors).toEqual({ 'metadata.0': 'The attribute "seats" already exists as number; this field is string. Choose another name or map a number field to it.' })
  expect((await db.stripeConnection.findUniqueOrThrow({ where: { id: connectionId } })).mapping).toBeNull()

  // The same name with the same type, or another workspace's custom attributes, are fine.
  const same = defaultMapping()
  same.metadata.push({ key: 'seats', target: 'seats', type: 'number' }, { key: 'tier', target: 'tier', type: 'string' })
  await saveMapping(deps, { workspaceId, connectionId, mapping: same })
  const other = await setup()
  await saveMapping(deps, { ...other, mapping: clash })
})

test('an unreadable stored mapping: the editor gets the default and a notice saying so, and saving replaces it', async () => {
  const { workspaceId, connectionId } = await setup()
  await db.stripeConnection.update({ where: { id: connectionId }, data: { mapping: { version: 1, fields: [{ key: 'customer.email', target: 'x' }], metadata: [] } } })
  const loaded = await getMappingSetup(deps, { workspaceId, connectionId })
  expect(loaded.mapping).toEqual(defaultMapping())
  expect(loaded.notice).toBe(
    'The saved field mapping could not be read (the stored field mapping is malformed at fields.0.enabled: Invalid input: expected boolean, received undefined), so the default mapping is shown instead. Review it and save to replace the saved one.',
  )
  await saveMapping(deps, { workspaceId, connectionId, mapping: loaded.mapping })
  expect((await getMappingSetup(deps, { workspaceId, connectionId })).notice).toBeNull()
})

test('saving a mapping refreshes the attribute picker at once (no minute-old cached catalog)', async () => {
  const { workspaceId, connectionId } = await setup()
  await saveMapping(deps, { workspaceId, connectionId, mapping: defaultMapping() })
  const before = await loadAttributeCatalog({ db, workspaceId })
  expect(before.has('stripe_plan_tier')).toBe(false)
  const mapping = defaultMapping()
  mapping.metadata.push({ key: 'plan_tier', target: 'stripe_plan_tier', type: 'string' })
  await saveMapping(deps, { workspaceId, connectionId, mapping })
  // Not `fresh`: the cached catalog must have been forgotten by the save.
  expect((await loadAttributeCatalog({ db, workspaceId })).get('stripe_plan_tier')).toMatchObject({ type: 'string' })
})
