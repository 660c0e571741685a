import { PrismaPg } from '@prisma/adapter-pg'
import { expect, test } from 'vitest'
import { testDatabaseUrl } from '@/test/db'
import { pgFieldsFromUrl } from './lib/pg-url.mjs'
import { queryOnce, withWholeScripts } from './lib/wasm-schema-engine.mjs'

test('a migration with semicolons in comments and a function body runs whole, as the native engine runs it', async () => {
  const adapter = withWholeScripts(await new PrismaPg({ connectionString: testDatabaseUrl, max: 1 }).connect())
  try {
    await adapter.executeScript(`-- indexes for reads; measured at 1M rows; see bench
create table whole_script_probe (id int);
create function whole_script_answer() returns int language sql immutable as $$ select 42; $$;
insert into whole_script_probe values (whole_script_answer()); -- trailing; comment`)
  } finally {
    await adapter.dispose()
  }
  const { rows } = await queryOnce(pgFieldsFromUrl(testDatabaseUrl), 'select id from whole_script_probe')
  expect(rows).toEqual([{ id: 42 }])
})
