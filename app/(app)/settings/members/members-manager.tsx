'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { LinkIcon } from '@/components/icons'
import { Alert, Badge, Button, Card } from '@/components/ui'
import { apiFetch } from '@/lib/api-client'
import type { Member } from '@/lib/workspaces/members'

type Role = 'admin' | 'marketer'
type Invitation = { id: string; role: Role; expiresAt: string; createdBy: { name: string | null; email: string } }

const keys = {
  members: ['members'] as const,
  invitations: ['invitations'] as const,
}

export function MembersManager({ initialMembers, currentMembershipId }: { initialMembers: Member[]; currentMembershipId: string }) {
  const queryClient = useQueryClient()
  const [error, setError] = useState<string | null>(null)
  const members = useQuery({ queryKey: keys.members, queryFn: () => apiFetch<{ members: Member[] }>('/api/members').then((r) => r.members), initialData: initialMembers })
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.members })
  const onError = (e: Error) => setError(e.message)

  const changeRole = useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) => apiFetch(`/api/members/${id}`, { method: 'PATCH', json: { role } }),
    onSuccess: () => {
      setError(null)
      refresh()
    },
    onError,
  })
  const remove = useMutation({
    mutationFn: (id: string) => apiFetch(`/api/members/${id}`, { method: 'DELETE' }),
    onSuccess: () => {
      setError(null)
      refresh()
    },
    onError,
  })

  return (
    <div className="space-y-8">
      {error ? <Alert>{error}</Alert> : null}
      <Card>
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-5 py-3 font-medium">Person</th>
              <th className="px-5 py-3 font-medium">Role</th>
              <th className="px-5 py-3 font-medium">Joined</th>
              <th className="px-5 py-3">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {members.data.map((m) => (
              <tr key={m.id} data-testid="member-row">
                <td className="px-5 py-3">
                  <p className="font-medium text-slate-900">
                    {m.name ?? m.email} {m.id === currentMembershipId ? <Badge>you</Badge> : null}
                  </p>
                  <p className="text-slate-500">{m.email}</p>
                </td>
                <td className="px-5 py-3">
                  <label className="sr-only" htmlFor={`role-${m.id}`}>
                    Role of {m.email}
                  </label>
                  <select
                    id={`role-${m.id}`}
                    value={m.role}
                    disabled={changeRole.isPending}
                    onChange={(e) => changeRole.mutate({ id: m.id, role: e.target.value as Role })}
                    className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
                  >
                    <option value="admin">Admin</option>
                    <option value="marketer">Marketer</option>
                  </select>
                </td>
                <td className="px-5 py-3 text-slate-600">{new Date(m.joinedAt).toLocaleDateString()}</td>
                <td className="px-5 py-3 text-right">
                  <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate(m.id)}>
                    Remove
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <InvitePanel onError={onError} />
    </div>
  )
}

function InvitePanel({ onError }: { onError: (e: Error) => void }) {
  const queryClient = useQueryClient()
  const [role, setRole] = useState<Role>('marketer')
  const [link, setLink] = useState<string | null>(null)
  const invitations = useQuery({ queryKey: keys.invitations, queryFn: () => apiFetch<{ invitations: Invitation[] }>('/api/invitations').then((r) => r.invitations) })
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.invitations })
  const create = useMutation({
    mutationFn: () => apiFetch<{ url: string }>('/api/invitations', { method: 'POST', json: { role } }),
    onSuccess: (r) => {
      setLink(r.url)
      refresh()
    },
    onError,
  })
  const revoke = useMutation({ mutationFn: (id: string) => apiFetch(`/api/invitations/${id}`, { method: 'DELETE' }), onSuccess: refresh, onError })

  return (
    <Card className="p-6">
      <h2 className="text-base font-semibold">Invite people</h2>
      <p className="mt-1 text-sm text-slate-600">Create a link and send it to the person you want to invite. Each link works once and expires after 7 days.</p>
      <div className="mt-4 flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="invite-role" className="block text-sm font-medium text-slate-800">
            Role
          </label>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)} className="mt-1.5 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm">
            <option value="marketer">Marketer</option>
            <option value="admin">Admin</option>
          </select>
        </div>
        <Button onClick={() => create.mutate()} disabled={create.isPending}>
          <LinkIcon className="size-4" />
          {create.isPending ? 'Creating…' : 'Create invite link'}
        </Button>
      </div>
      {link ? (
        <div className="mt-4 rounded-md border border-emerald-200 bg-emerald-50 p-3">
          <p className="text-sm font-medium text-emerald-900">Invite link (shown once — copy it now)</p>
          <div className="mt-2 flex gap-2">
            <input readOnly value={link} aria-label="Invite link" data-testid="invite-link" className="min-w-0 flex-1 rounded-md border border-emerald-300 bg-white px-2 py-1.5 font-mono text-xs" onFocus={(e) => e.target.select()} />
            <Button variant="secondary" onClick={() => navigator.clipboard?.writeText(link)}>
              Copy
            </Button>
          </div>
        </div>
      ) : null}
      {invitations.data?.length ? (
        <div className="mt-6">
          <h3 className="text-sm font-medium text-slate-800">Pending invites</h3>
          <ul className="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200">
            {invitations.data.map((inv) => (
              <li key={inv.id} className="flex items-center justify-between px-4 py-2.5 text-sm">
                <span>
                  <Badge tone={inv.role === 'admin' ? 'brand' : 'neutral'}>{inv.role}</Badge>
                  <span className="ml-2 text-slate-600">
                    by {inv.createdBy.name ?? inv.createdBy.email} · expires {new Date(inv.expiresAt).toLocaleDateString()}
                  </span>
                </span>
                <Button variant="ghost" onClick={() => revoke.mutate(inv.id)} disabled={revoke.isPending}>
                  Withdraw
                </Button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Card>
  )
}
