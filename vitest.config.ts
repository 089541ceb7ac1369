import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Store and HTTP tests open real databases; each file gets its own SQLite file and PostgreSQL schema.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
