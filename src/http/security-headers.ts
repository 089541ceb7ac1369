import type { FastifyInstance } from 'fastify';

/**
 * Headers on every response. The API serves JSON only, so the content security policy allows nothing to load;
 * `no-store` keeps personal data out of browser and proxy caches.
 */
export function addSecurityHeaders(app: FastifyInstance, options: { hsts: boolean }): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    reply.header('Cache-Control', 'no-store');
    if (options.hsts) reply.header('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
    return payload;
  });
}
