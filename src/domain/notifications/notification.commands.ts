import type { UserActor } from '../actor.js';
import type { Page } from '../common.schema.js';
import type { Deps, Notification } from '../ports.js';

/** The signed-in user's own notifications (DPO alerts about emergency access, for now), newest first. */
export async function listMyNotifications(
  deps: Pick<Deps, 'uow'>,
  actor: UserActor,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<Omit<Notification, 'recipientUserId'>>> {
  const result = await deps.uow.read((r) => r.notifications.listFor(actor.userId, page));
  return { items: result.items.map(({ recipientUserId: _r, ...n }) => n), nextCursor: result.nextCursor };
}
