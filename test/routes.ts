import type { FastifyInstance } from 'fastify';

export interface RouteRef {
  readonly method: string;
  readonly path: string;
}

/** Parses `printRoutes({ commonPrefix: false })`: a tree whose children hold the rest of their parent's path. */
export function parseRouteTree(tree: string): RouteRef[] {
  const routes: RouteRef[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(match[2] ?? '');
    const path = stack.join('');
    for (const method of (match[3] ?? '').split(',')) if (method.trim()) routes.push({ method: method.trim(), path });
  }
  return routes;
}

/** Every route the server answers (hidden ones included), without Fastify's automatic HEAD twins of GET routes. */
export function serverRoutes(http: FastifyInstance): RouteRef[] {
  return parseRouteTree(http.printRoutes({ commonPrefix: false })).filter((r) => r.method !== 'HEAD');
}
