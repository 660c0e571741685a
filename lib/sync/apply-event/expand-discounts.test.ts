import { describe, expect, test } from 'vitest'
import { computeMrr } from '../mrr'
import { buildCoupon, buildDiscount, buildItem, buildPrice, buildSubscription, NOW } from '../test-fixtures'
import { fillDiscounts, knownDiscounts } from './expand-discounts'

const forever20 = buildCoupon({ id: 'FOREVER20', duration: 'forever', percent_off: 20 })
const expanded = buildDiscount(forever20, { id: 'di_1' })
const mirrored = buildSubscription({ id: 'sub_1', items: [buildItem(buildPrice({ unit_amount: 5000 }))], discounts: [expanded] })
// What a webhook carries for the same subscription (trap 6): the discount as an id.
const fromEvent = { ...mirrored, discounts: ['di_1'] }

const mrrOf = (sub: unknown) => computeMrr({ subscriptions: [sub as typeof mirrored] }, { now: NOW })

describe('fillDiscounts: event discounts from the mirror', () => {
  test('a discount id the mirror holds expanded is put back: forever 20% off 50.00 = 4,000 minor units, not 5,000', () => {
    expect(mrrOf(fromEvent)).toEqual({ usd: 5000 })
    const { object, unresolved } = fillDiscounts(fromEvent, knownDiscounts([mirrored]))
    expect(unresolved).toBe(0)
    expect(mrrOf(object)).toEqual({ usd: 4000 })
    expect(fromEvent.discounts).toEqual(['di_1'])
  })

  test('a new discount id is left for Stripe and counted as unresolved', () => {
    const { object, unresolved } = fillDiscounts({ ...fromEvent, discounts: ['di_new'] }, knownDiscounts([mirrored]))
    expect(unresolved).toBe(1)
    expect(object.discounts).toEqual(['di_new'])
  })

  test('a new discount whose coupon the mirror already knows gets the coupon (coupons never change their amounts)', () => {
    const event = { ...fromEvent, discounts: [buildDiscount('FOREVER20', { id: 'di_2' })] }
    const { object, unresolved } = fillDiscounts(event, knownDiscounts([mirrored]))
    expect(unresolved).toBe(0)
    expect(mrrOf(object)).toEqual({ usd: 4000 })
  })

  test('item discounts and a customer discount are filled too', () => {
    const item = { ...buildItem(buildPrice({ unit_amount: 5000 })), discounts: ['di_1'] }
    const { object, unresolved } = fillDiscounts({ ...fromEvent, discounts: [], items: { data: [item] } }, knownDiscounts([mirrored]))
    expect(unresolved).toBe(0)
    expect(mrrOf(object)).toEqual({ usd: 4000 })

    const customer = { id: 'cus_1', discount: buildDiscount('FOREVER20', { id: 'di_c' }) }
    const filled = fillDiscounts(customer, knownDiscounts([mirrored]))
    expect(filled.unresolved).toBe(0)
    expect((filled.object.discount as { source: { coupon: unknown } }).source.coupon).toEqual(forever20)
  })
})
