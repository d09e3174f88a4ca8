/**
 * Local mode's default ports and admin key: what `npm start` uses unless told otherwise, and where the console looks
 * for a gateway when no endpoint is named. Here, not in lib/local, because the published CLI needs them too.
 */
export const LOCAL_DEFAULTS = { port: 3000, ciamPort: 3001, adminKey: 'local-admin-key' } as const;
