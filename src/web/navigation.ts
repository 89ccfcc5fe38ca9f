// The main navigation: each feature registers its entries (with the roles that see them) when its
// router is created, e.g. registerNavItem({ href: '/admin/users', labelKey: 'users.nav', roles: ['admin'] }).
import type { Actor } from '../core/actor';
import type { Role } from '../core/roles';

export interface NavItem {
  href: string;
  /** i18n key of the link text. */
  labelKey: string;
  /** Roles that see the entry; empty = every signed-in person. */
  roles: Role[];
  /** Lower comes first; default 100. The learner's places (catalog, my learning) come before staff areas. */
  order?: number;
  /** 'account': grouped with the person's own actions (their data, password, sign-out); default: a place. */
  section?: 'place' | 'account';
  /** A number shown with the link (e.g. unread notifications), read for each signed-in page. */
  badge?: (actor: Actor) => Promise<number>;
}

const items: NavItem[] = [];

/** Adds an entry, or replaces the one with the same href. */
export function registerNavItem(item: NavItem): void {
  const index = items.findIndex((i) => i.href === item.href);
  if (index >= 0) items.splice(index, 1, item);
  else items.push(item);
}

export function navItemsFor(actor: Actor | undefined): NavItem[] {
  if (!actor) return [];
  return items
    .filter((i) => i.roles.length === 0 || i.roles.some((r) => actor.roles.includes(r)))
    .sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.href.localeCompare(b.href));
}

/** The badges of the actor's entries (href → count), only those above zero. */
export async function navBadgesFor(
  actor: Actor | undefined,
  items: NavItem[],
): Promise<Record<string, number>> {
  if (!actor) return {};
  const counted = await Promise.all(
    items.filter((i) => i.badge).map(async (i) => [i.href, await i.badge!(actor).catch(() => 0)] as const),
  );
  return Object.fromEntries(counted.filter(([, n]) => n > 0));
}
