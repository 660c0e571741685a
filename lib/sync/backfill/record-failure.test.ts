import { describe, expect, test } from 'vitest'
import { describeUnexpectedFailure } from './record-failure'

// What a person reads when an import function gives up: the cause in words, no stack trace.
describe('describeUnexpectedFailure', () => {
  test.each([
    {
      name: 'a page failing the schema check names the first field',
      cause: { name: 'ZodError', message: JSON.stringify([{ path: ['data', 3, 'created'], message: 'Invalid input: expected int, received number' }]) },
      text: 'Stripe sent data in a shape we could not read (data.3.created: Invalid input: expected int, received number)',
    },
    {
      name: 'a database error keeps PostgreSQL’s own message',
      cause: { name: 'PrismaClientKnownRequestError', message: '\nInvalid `prisma.$executeRawUnsafe()` invocation:\n\n\nRaw query failed. Code: `P0001`. Message: `disk full`' },
      text: 'the database failed while storing what was fetched (disk full)',
    },
    { name: 'an unreachable database', cause: { name: 'Error', message: "Can't reach database server at 127.0.0.1:5432" }, text: "the database failed while storing what was fetched (Can't reach database server at 127.0.0.1:5432)" },
    { name: 'anything else, first line only', cause: { name: 'TypeError', message: 'x is not a function\n    at y (z.ts:1:1)' }, text: 'an unexpected error (x is not a function)' },
    { name: 'no message at all', cause: {}, text: 'an unexpected error (Error)' },
  ])('$name', ({ cause, text }) => {
    expect(describeUnexpectedFailure(cause)).toBe(text)
  })

  test('a long message is clipped to 160 characters', () => {
    expect(describeUnexpectedFailure({ name: 'Error', message: 'x'.repeat(400) })).toBe(`an unexpected error (${'x'.repeat(157)}…)`)
  })
})
