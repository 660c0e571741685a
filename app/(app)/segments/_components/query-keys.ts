import type { Rule } from '@/lib/segments/rule-schema'

// TanStack Query keys for segments, in one place so invalidation reaches every view.
export const segmentKeys = {
  all: ['segments'] as const,
  picker: () => ['segments', 'picker'] as const,
  preview: (segmentId: string | null, rule: Rule) => ['segments', 'preview', segmentId, rule] as const,
  members: (segmentId: string, after: string | null) => ['segments', segmentId, 'members', after] as const,
}
