import { describe, expect, it } from 'vitest'
import { applyExpand, type ListQuery, paginate, parseListQuery } from './list'
import { parseParams, StripeError } from './params'
import type { Ordered } from './records'
import { SortedList } from './store'

function listOf(n: number, sameSecondEvery = 3): SortedList<Ordered> {
  const list = new SortedList<Ordered>()
  // Several items share a second: the seq tiebreak must keep pages stable.
  for (let i = 0; i < n; i++) list.add({ id: `obj_${i}`, created: 1000 + Math.floor(i / sameSecondEvery), seq: i })
  return list
}

describe('parseParams', () => {
  it('reads Stripe form encoding', () => {
    expect(parseParams('limit=3&expand[0]=data.customer&expand[1]=data.items&created[gte]=5&items[0][price]=p&metadata[a]=b&types[]=x&types[]=y')).toEqual({
      limit: '3',
      expand: ['data.customer', 'data.items'],
      created: { gte: '5' },
      items: [{ price: 'p' }],
      metadata: { a: 'b' },
      types: ['x', 'y'],
    })
  })
})

describe('parseListQuery', () => {
  it.each([['0'], ['101'], ['abc']])('rejects limit=%s with a 400 naming the param', (limit) => {
    try {
      parseListQuery({ limit })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(StripeError)
      expect((err as StripeError).status).toBe(400)
      expect((err as StripeError).param).toBe('limit')
    }
  })
})

describe('paginate', () => {
  const list = listOf(250)
  const byId = new Map(list.items.map((i) => [i.id, i]))
  const cursorOf = (id: string) => byId.get(id)

  it('walks newest first with starting_after, no duplicate, no gap', () => {
    const seen: string[] = []
    let after: string | null = null
    for (;;) {
      const q: ListQuery = { ...parseListQuery({ limit: '7' }), startingAfter: after }
      const page: { items: Ordered[]; hasMore: boolean } = paginate(list, q, () => true, cursorOf, 'obj')
      seen.push(...page.items.map((i) => i.id))
      if (!page.hasMore) break
      after = page.items.at(-1)?.id ?? null
    }
    expect(seen).toEqual([...list.items].reverse().map((i) => i.id))
  })

  it('walks back with ending_before', () => {
    const oldest = list.items[0] as Ordered
    const q = { ...parseListQuery({ limit: '5' }), endingBefore: oldest.id }
    const page = paginate(list, q, () => true, cursorOf, 'obj')
    expect(page.items.map((i) => i.id)).toEqual(['obj_5', 'obj_4', 'obj_3', 'obj_2', 'obj_1'])
    expect(page.hasMore).toBe(true)
  })

  it('filters created ranges inclusively and exclusively', () => {
    const q = parseListQuery(parseParams('limit=100&created[gte]=1010&created[lt]=1012'))
    const page = paginate(list, q, () => true, cursorOf, 'obj')
    expect(page.items.map((i) => i.created)).toEqual([1011, 1011, 1011, 1010, 1010, 1010])
  })
})

describe('applyExpand', () => {
  it('expands through list data and arrays without mutating the source', () => {
    const source = { object: 'list', data: [{ id: 'sub_1', customer: 'cus_1', items: { data: [{ price: 'price_1' }] } }] }
    const out = applyExpand(source, ['data.customer', 'data.items.data.price'], (id) => ({ id, expanded: true })) as typeof source
    expect(out.data[0]?.customer).toEqual({ id: 'cus_1', expanded: true })
    const first = out.data[0] as (typeof source.data)[number]
    expect((first.items.data[0] as { price: unknown }).price).toEqual({ id: 'price_1', expanded: true })
    expect(source.data[0]?.customer).toBe('cus_1')
  })

  it('refuses more than 4 levels', () => {
    expect(() => applyExpand({ a: 'x' }, ['a.b.c.d.e'], () => ({}))).toThrow(/4 levels/)
    // On lists `data` is a level too, as Stripe counts it.
    expect(() => applyExpand({ data: [] }, ['data.items.data.price.product'], () => ({}))).toThrow(/4 levels/)
    expect(() => applyExpand({ data: [] }, ['data.items.data.price'], () => ({}))).not.toThrow()
  })
})
