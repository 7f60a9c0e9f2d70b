/** What a role may grant in a project. */
export const PERMISSIONS = ['read', 'create', 'edit', 'delete', 'rotate', 'read-generated-credentials', 'read-secrets'] as const;

export type Permission = (typeof PERMISSIONS)[number];
