import type { Clock, IdGenerator } from '../domain/ports.js';
import { monotonicUuidv7 } from '../shared/ids.js';

export const systemClock: Clock = { now: () => new Date() };

export function createIdGenerator(clock: Clock): IdGenerator {
  const next = monotonicUuidv7(() => clock.now().getTime());
  return { next };
}
