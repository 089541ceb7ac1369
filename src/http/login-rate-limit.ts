/**
 * Sign-in attempts per client address per minute (a fixed window), kept in memory. It slows password guessing
 * across many accounts; the per-account lockout (auth.rules.ts) stops guessing at one. Behind a proxy set
 * OPENNRM_TRUST_PROXY so the address is the client's.
 */
export class LoginRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts an attempt; false when the address is over its budget for this minute. */
  tryAcquire(address: string): boolean {
    const now = this.now();
    const window = this.windows.get(address);
    if (!window || now - window.start >= 60_000) {
      if (this.windows.size > 10_000) this.sweep(now);
      this.windows.set(address, { start: now, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= this.perMinute;
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= 60_000) this.windows.delete(key);
  }
}
