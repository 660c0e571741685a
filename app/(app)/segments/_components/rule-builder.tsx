'use client'

import { useEffect, useState } from 'react'
import type { AttributeType } from '@/lib/sync/fields'
import {
  type Condition,
  type RuleGroup,
  type RuleIssue,
  type RuleNode,
  type StatusCondition,
  booleanOperators,
  dateOperators,
  numberOperators,
  subscriptionStatuses,
  textOperators,
} from '@/lib/segments/rule-schema'

// The rule builder: nested AND/OR groups of conditions, written for our rule schema rather than
// adapted from a generic query builder (see README → Segments). Controlled: the parent owns the
// rule; every edit produces a new tree.

export type PickerAttribute = { name: string; label: string; type: AttributeType; source: string }
export type PickerData = { attributes: PickerAttribute[]; events: { billing: string[]; activity: string[] } }

const operatorLabels: Record<string, string> = {
  equals: 'is',
  not_equals: 'is not',
  contains: 'contains',
  starts_with: 'starts with',
  is_set: 'is set',
  is_not_set: 'is not set',
  eq: 'equals (=)',
  neq: 'is not (≠)',
  lt: 'less than (<)',
  lte: 'at most (≤)',
  gt: 'greater than (>)',
  gte: 'at least (≥)',
  between: 'between',
  before: 'is before',
  after: 'is after',
  within_last_days: 'is in the last … days',
  more_than_days_ago: 'is more than … days ago',
  in_next_days: 'is in the next … days',
  is_true: 'is true',
  is_false: 'is false',
}

const operatorsFor = (type: AttributeType): readonly string[] =>
  type === 'string' ? textOperators : type === 'number' || type === 'money' ? numberOperators : type === 'date' ? dateOperators : booleanOperators

const inputClass = 'rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/20'

export function defaultCondition(field: string, picker: PickerData): Condition {
  if (field === 'status') return { kind: 'subscription_status', operator: 'in', statuses: ['active'] }
  if (field === 'event:billing' || field === 'event:activity') {
    const source = field === 'event:billing' ? 'billing' : 'activity'
    return { kind: 'event', source, name: picker.events[source][0] ?? '', operator: 'did', count: 1, days: 30 }
  }
  const name = field.slice('attr:'.length)
  const type = picker.attributes.find((a) => a.name === name)?.type ?? 'string'
  switch (type) {
    case 'string':
      return { kind: 'attribute', attribute: name, type, operator: 'equals', value: '' }
    case 'number':
    case 'money':
      return { kind: 'attribute', attribute: name, type, operator: 'gt', value: 0 }
    case 'date':
      return { kind: 'attribute', attribute: name, type, operator: 'within_last_days', days: 30 }
    case 'boolean':
      return { kind: 'attribute', attribute: name, type, operator: 'is_true' }
  }
}

function fieldOf(c: Condition): string {
  return c.kind === 'subscription_status' ? 'status' : c.kind === 'event' ? `event:${c.source}` : `attr:${c.attribute}`
}

type Props = { group: RuleGroup; onChange: (g: RuleGroup) => void; picker: PickerData; issues: RuleIssue[]; path?: string; depth?: number; onRemove?: () => void; label?: string }

export function GroupEditor({ group, onChange, picker, issues, path = '', depth = 0, onRemove, label = '' }: Props) {
  // Row labels follow the tree ("2", "3.1") so every control has a unique accessible name.
  const childLabel = (i: number) => (label ? `${label}.${i + 1}` : String(i + 1))
  const childPath = (i: number) => (path ? `${path}.conditions.${i}` : `conditions.${i}`)
  const replace = (i: number, node: RuleNode) => onChange({ ...group, conditions: group.conditions.map((c, j) => (j === i ? node : c)) })
  const remove = (i: number) => onChange({ ...group, conditions: group.conditions.filter((_, j) => j !== i) })
  const firstField = picker.attributes.some((a) => a.name === 'stripe_mrr') ? 'attr:stripe_mrr' : 'status'
  return (
    <fieldset className={`rounded-lg border ${depth ? 'border-slate-300 bg-slate-50/70' : 'border-slate-200 bg-white'} p-3`} aria-label={depth ? 'Group' : 'Rule'}>
      <div className="mb-2 flex flex-wrap items-center gap-2 text-sm text-slate-700">
        <span>Contacts matching</span>
        <select aria-label="Match" className={inputClass} value={group.combinator} onChange={(e) => onChange({ ...group, combinator: e.target.value as 'and' | 'or' })}>
          <option value="and">all</option>
          <option value="or">any</option>
        </select>
        <span>of these conditions</span>
        {onRemove ? (
          <button type="button" className="ml-auto text-xs text-slate-500 hover:text-red-700" onClick={onRemove}>
            Remove group
          </button>
        ) : null}
      </div>
      {group.conditions.length === 0 ? <p className="mb-2 text-sm text-slate-500">No conditions yet: every contact matches.</p> : null}
      <ul className="space-y-2">
        {group.conditions.map((node, i) => (
          // Index keys: rows have no identity of their own, and order is what the rule means.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <li key={i}>
            {node.kind === 'group' ? (
              <GroupEditor group={node} onChange={(g) => replace(i, g)} picker={picker} issues={issues} path={childPath(i)} depth={depth + 1} onRemove={() => remove(i)} label={childLabel(i)} />
            ) : (
              <ConditionRow condition={node} onChange={(c) => replace(i, c)} onRemove={() => remove(i)} picker={picker} issues={issues.filter((x) => x.path === childPath(i))} label={childLabel(i)} />
            )}
          </li>
        ))}
      </ul>
      {issues
        .filter((x) => x.path === path)
        .map((x) => (
          <p key={x.message} className="mt-2 text-sm text-red-700">
            {x.message}
          </p>
        ))}
      <div className="mt-3 flex gap-2">
        <button type="button" className="rounded-md px-2 py-1 text-sm font-medium text-brand-700 hover:bg-brand-50" onClick={() => onChange({ ...group, conditions: [...group.conditions, defaultCondition(firstField, picker)] })}>
          + Condition
        </button>
        {depth < 3 ? (
          <button
            type="button"
            className="rounded-md px-2 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100"
            onClick={() => onChange({ ...group, conditions: [...group.conditions, { kind: 'group', combinator: group.combinator === 'and' ? 'or' : 'and', conditions: [defaultCondition(firstField, picker)] }] })}
          >
            + Group
          </button>
        ) : null}
      </div>
    </fieldset>
  )
}

function ConditionRow({ condition, onChange, onRemove, picker, issues, label }: { condition: Condition; onChange: (c: Condition) => void; onRemove: () => void; picker: PickerData; issues: RuleIssue[]; label: string }) {
  const field = fieldOf(condition)
  const known = condition.kind !== 'attribute' || picker.attributes.some((a) => a.name === condition.attribute)
  const groups = new Map<string, PickerAttribute[]>()
  for (const a of picker.attributes) groups.set(a.source, [...(groups.get(a.source) ?? []), a])
  const sourceLabels: Record<string, string> = { contact: 'Contact', stripe: 'Stripe', metadata: 'Stripe metadata', custom: 'Custom' }
  return (
    <div data-testid="condition" className={`rounded-md border bg-white p-2 ${issues.length ? 'border-red-400' : 'border-slate-200'}`}>
      <div className="flex flex-wrap items-center gap-2">
        <select aria-label={`Field ${label}`} className={`${inputClass} max-w-64`} value={field} onChange={(e) => onChange(defaultCondition(e.target.value, picker))}>
          <option value="status">Subscription status</option>
          <option value="event:billing">Billing event…</option>
          <option value="event:activity">Tracked activity…</option>
          {!known && condition.kind === 'attribute' ? <option value={field}>{condition.attribute} (missing)</option> : null}
          {[...groups.entries()].map(([source, attrs]) => (
            <optgroup key={source} label={sourceLabels[source] ?? source}>
              {attrs.map((a) => (
                <option key={a.name} value={`attr:${a.name}`}>
                  {a.label.replace(/^(Stripe|Custom|Stripe metadata): /, '')} · {a.name} ({a.type})
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        <ConditionEditor condition={condition} onChange={onChange} picker={picker} label={label} />
        <button type="button" aria-label={`Remove condition ${label}`} className="ml-auto rounded-md px-2 py-1 text-sm text-slate-500 hover:bg-red-50 hover:text-red-700" onClick={onRemove}>
          ✕
        </button>
      </div>
      {issues.map((x) => (
        <p key={x.message} role="alert" className="mt-1.5 text-sm text-red-700">
          {x.message}
        </p>
      ))}
    </div>
  )
}

function ConditionEditor({ condition: c, onChange, picker, label: n }: { condition: Condition; onChange: (c: Condition) => void; picker: PickerData; label: string }) {
  if (c.kind === 'subscription_status') {
    return (
      <>
        <select aria-label={`Operator ${n}`} className={inputClass} value={c.operator} onChange={(e) => onChange({ ...c, operator: e.target.value as StatusCondition['operator'] })}>
          <option value="in">is one of</option>
          <option value="not_in">is none of</option>
          <option value="any_in">of any subscription is one of</option>
          <option value="none_in">of every subscription is none of</option>
        </select>
        <fieldset aria-label={`Statuses ${n}`} className="flex flex-wrap gap-1">
          {subscriptionStatuses.map((s) => {
            const on = c.statuses.includes(s)
            return (
              <label key={s} className={`cursor-pointer rounded-full px-2 py-0.5 text-xs ring-1 ${on ? 'bg-brand-600 text-white ring-brand-600' : 'bg-white text-slate-700 ring-slate-300'}`}>
                <input type="checkbox" className="sr-only" checked={on} onChange={() => onChange({ ...c, statuses: on ? c.statuses.filter((x) => x !== s) : [...c.statuses, s] })} />
                {s}
              </label>
            )
          })}
        </fieldset>
      </>
    )
  }
  if (c.kind === 'event') {
    const listId = `events-${c.source}-${n}`
    return (
      <>
        <input aria-label={`Event name ${n}`} list={listId} className={`${inputClass} w-48`} value={c.name} placeholder="event name" onChange={(e) => onChange({ ...c, name: e.target.value })} />
        <datalist id={listId}>
          {picker.events[c.source].map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <select aria-label={`Operator ${n}`} className={inputClass} value={c.operator} onChange={(e) => onChange({ ...c, operator: e.target.value as 'did' | 'did_not' })}>
          <option value="did">happened at least</option>
          <option value="did_not">did not happen</option>
        </select>
        {c.operator === 'did' ? (
          <>
            <NumberInput label={`Times ${n}`} value={c.count} onChange={(v) => onChange({ ...c, count: v ?? 1 })} />
            <span className="text-sm text-slate-600">times</span>
          </>
        ) : null}
        <span className="text-sm text-slate-600">in the last</span>
        <NumberInput label={`Days ${n}`} value={c.days} onChange={(v) => onChange({ ...c, days: v ?? 0 })} />
        <span className="text-sm text-slate-600">days</span>
      </>
    )
  }
  const ops = operatorsFor(c.type)
  const setOperator = (operator: string) => onChange({ ...c, operator } as Condition)
  return (
    <>
      <select aria-label={`Operator ${n}`} className={inputClass} value={c.operator} onChange={(e) => setOperator(e.target.value)}>
        {ops.map((op) => (
          <option key={op} value={op}>
            {operatorLabels[op]}
          </option>
        ))}
      </select>
      {c.type === 'string' && !['is_set', 'is_not_set'].includes(c.operator) ? (
        <input aria-label={`Value ${n}`} className={`${inputClass} w-48`} value={c.value ?? ''} onChange={(e) => onChange({ ...c, value: e.target.value })} />
      ) : null}
      {(c.type === 'number' || c.type === 'money') && !['is_set', 'is_not_set'].includes(c.operator) ? (
        <>
          <MoneyOrNumber label={`Value ${n}`} money={c.type === 'money'} value={c.value} onChange={(v) => onChange({ ...c, value: v })} />
          {c.operator === 'between' ? (
            <>
              <span className="text-sm text-slate-600">and</span>
              <MoneyOrNumber label={`Up to ${n}`} money={c.type === 'money'} value={c.valueTo} onChange={(v) => onChange({ ...c, valueTo: v })} />
            </>
          ) : null}
          {c.type === 'money' ? <span className="text-xs text-slate-500">in major units (49.00)</span> : null}
        </>
      ) : null}
      {c.type === 'date' && (c.operator === 'before' || c.operator === 'after') ? (
        <input aria-label={`Date ${n}`} type="date" className={inputClass} value={c.value?.slice(0, 10) ?? ''} onChange={(e) => onChange({ ...c, value: e.target.value || undefined })} />
      ) : null}
      {c.type === 'date' && ['within_last_days', 'more_than_days_ago', 'in_next_days'].includes(c.operator) ? (
        <>
          <NumberInput label={`Days ${n}`} value={c.days} onChange={(v) => onChange({ ...c, days: v })} />
          <span className="text-sm text-slate-600">days</span>
        </>
      ) : null}
    </>
  )
}

function NumberInput({ label, value, onChange }: { label: string; value: number | undefined; onChange: (v: number | undefined) => void }) {
  return (
    <input
      aria-label={label}
      type="number"
      min={0}
      className={`${inputClass} w-20`}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value === '' ? undefined : Math.trunc(Number(e.target.value)))}
    />
  )
}

/** Money is stored in minor units; people type major units (100 → 10000). */
function MoneyOrNumber({ label, money, value, onChange }: { label: string; money: boolean; value: number | undefined; onChange: (v: number | undefined) => void }) {
  const shown = value === undefined ? '' : money ? String(value / 100) : String(value)
  // Local text so "49." survives while typing; re-synced when the value changes from outside.
  const [text, setText] = useState(shown)
  useEffect(() => {
    setText((t) => (t !== '' && Number(t) === Number(shown) ? t : shown))
  }, [shown])
  return (
    <input
      aria-label={label}
      type="number"
      step={money ? '0.01' : 'any'}
      className={`${inputClass} w-28`}
      value={text}
      onChange={(e) => {
        setText(e.target.value)
        if (e.target.value === '') return onChange(undefined)
        const n = Number(e.target.value)
        if (Number.isFinite(n)) onChange(money ? Math.round(n * 100) : n)
      }}
    />
  )
}
