import type { Role } from '../generated/prisma/enums.js';

/** Who is calling, as established from an API key. Every domain call is scoped by `accountId`. */
export type Principal =
  | { kind: 'user'; accountId: string; userId: string; role: Role; apiKeyId: string }
  | { kind: 'content'; accountId: string; contentId: string; ownerId: string; apiKeyId: string };

export const isAdmin = (p: Principal | null): boolean => p?.kind === 'user' && p.role === 'ADMIN';
export const hasRole = (p: Principal | null, ...roles: Role[]): boolean =>
  p?.kind === 'user' && roles.includes(p.role);
