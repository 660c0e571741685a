'use client'

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { EventBucket } from '@/lib/health/get-sync-health'

// Stripe events received per hour over the last 24 hours, stacked by what became of them.
const series = [
  { key: 'processed', name: 'Processed', color: '#10b981' },
  { key: 'ignored', name: 'Ignored', color: '#94a3b8' },
  { key: 'pending', name: 'Waiting', color: '#6366f1' },
  { key: 'failed', name: 'Failed', color: '#ef4444' },
] as const

const hourLabel = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })

export function EventsChart({ data }: { data: EventBucket[] }) {
  return (
    <div className="h-64 w-full" data-testid="events-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="hour" tickFormatter={hourLabel} tick={{ fontSize: 11, fill: '#64748b' }} interval={2} tickLine={false} axisLine={{ stroke: '#cbd5e1' }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: '#64748b' }} tickLine={false} axisLine={false} />
          <Tooltip labelFormatter={(label) => `${hourLabel(String(label))} – received ${data.find((b) => b.hour === label)?.received ?? 0}`} cursor={{ fill: '#f1f5f9' }} />
          <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} stackId="events" fill={s.color} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  )
}
