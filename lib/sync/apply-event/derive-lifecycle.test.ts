import { describe, expect, test } from 'vitest'
import { deriveLifecycleEvents, type SubscriptionState } from './derive-lifecycle'

const base: SubscriptionState = { id: 'sub_1', status: 'active', cancelAtPeriodEnd: false, cancelAt: null, trialEnd: null, mrr: 4900, currency: 'usd' }
const s = (over: Partial<SubscriptionState>): SubscriptionState => ({ ...base, ...over })
const MAR_3 = Date.UTC(2026, 2, 3) / 1000

describe('deriveLifecycleEvents: previous mirror state → new state', () => {
  test.each<[string, SubscriptionState | null, SubscriptionState, string[]]>([
    ['new trialing subscription → trial started', null, s({ status: 'trialing', trialEnd: MAR_3, mrr: 0 }), ['trial.started']],
    ['new active subscription → nothing derived (subscription.created covers it)', null, s({}), []],
    ['new past_due subscription → nothing: no previous state to compare', null, s({ status: 'past_due' }), []],
    ['trialing → active = trial ended + converted', s({ status: 'trialing', mrr: 0 }), s({}), ['trial.ended', 'trial.converted']],
    ['trialing → canceled = trial ended + expired', s({ status: 'trialing', mrr: 0 }), s({ status: 'canceled', mrr: 0 }), ['trial.ended', 'trial.expired']],
    ['trialing → paused (no card) = trial ended + expired', s({ status: 'trialing', mrr: 0 }), s({ status: 'paused', mrr: 0 }), ['trial.ended', 'trial.expired']],
    ['trialing → past_due = trial ended + past due', s({ status: 'trialing', mrr: 0 }), s({ status: 'past_due' }), ['trial.ended', 'subscription.past_due']],
    ['active → past_due = past due, no MRR move', s({}), s({ status: 'past_due' }), ['subscription.past_due']],
    ['past_due → past_due (another failed retry) = nothing', s({ status: 'past_due' }), s({ status: 'past_due' }), []],
    ['past_due → active = reactivated', s({ status: 'past_due' }), s({}), ['subscription.reactivated']],
    ['paused → active = reactivated', s({ status: 'paused', mrr: 0 }), s({}), ['subscription.reactivated']],
    ['unpaid → active = reactivated', s({ status: 'unpaid', mrr: 0 }), s({}), ['subscription.reactivated']],
    ['active → cancel_at_period_end = scheduled to cancel', s({}), s({ cancelAtPeriodEnd: true }), ['subscription.scheduled_to_cancel']],
    ['active → cancel_at set = scheduled to cancel', s({}), s({ cancelAt: MAR_3 }), ['subscription.scheduled_to_cancel']],
    ['already scheduled, still scheduled = nothing', s({ cancelAtPeriodEnd: true }), s({ cancelAtPeriodEnd: true }), []],
    ['active → canceled (immediately) = nothing derived (subscription.canceled covers it)', s({}), s({ status: 'canceled', mrr: 0 }), []],
    ['4,900 → 9,800 a month = expanded', s({}), s({ mrr: 9800 }), ['subscription.expanded']],
    ['9,800 → 4,900 a month = contracted', s({ mrr: 9800 }), s({}), ['subscription.contracted']],
    ['MRR change across currencies = nothing', s({ currency: 'eur' }), s({ mrr: 9800 }), []],
    ['renewal, same state = nothing', s({}), s({}), []],
  ])('%s', (_name, previous, next, expected) => {
    expect(deriveLifecycleEvents(previous, next).map((e) => e.type)).toEqual(expected)
  })

  test('sentences and amounts a person can read', () => {
    expect(deriveLifecycleEvents(s({ mrr: 4900 }), s({ mrr: 9800 }))).toEqual([{ type: 'subscription.expanded', summary: 'Plan expanded: $49.00 → $98.00/month', amount: 4900, currency: 'usd' }])
    expect(deriveLifecycleEvents(null, s({ status: 'trialing', trialEnd: MAR_3 }))[0]?.summary).toBe('Trial started, ends Mar 3, 2026')
    expect(deriveLifecycleEvents(s({ status: 'trialing' }), s({}))[1]).toMatchObject({ summary: 'Trial converted to a paid plan — $49.00/month', amount: 4900 })
  })
})
