// The public allow-list: the only routes a visitor without a session may use. Every other route
// of the app must require a session (test/security/route-inventory.test.ts walks the router and
// checks both). Adding a public route means adding it here, with the reason, in the same commit.
// Keys are `METHOD /path` exactly as the route is declared (see src/web/route-inventory.ts).
export const PUBLIC_ROUTES: Readonly<Record<string, string>> = {
  'GET /*static': 'static files under public/ (CSS, images); no personal data',
  'GET /healthz': 'health check for load balancers',
  'GET /readyz': 'readiness check (database reachable) for orchestrators',
  'GET /': 'landing page for visitors; the dashboard once signed in',
  'GET /login': 'sign-in form',
  'POST /login': 'sign-in (rate-limited, CSRF token from a signed cookie)',
  'GET /login/mfa': 'second sign-in step (TOTP code); without a pending first step it sends back to /login',
  'POST /login/mfa': 'second sign-in step (TOTP or recovery code, rate-limited like the password)',
  'POST /logout': 'sign-out; without a session it only redirects',
  'GET /privasi': 'privacy notice (UU 27/2022), readable before signing in',
  'POST /language': 'language switch; visitors keep the choice in a cookie',
  'GET /lupa-sandi': 'forgotten-password form (NIP or email)',
  'POST /lupa-sandi':
    'forgotten-password request: the same answer for every identifier; rate-limited per IP and per account',
  'GET /atur-sandi/:token': 'set-password page of a single-use link (invitation or forgotten password)',
  'POST /atur-sandi/:token': 'sets the password through a single-use link (rate-limited per IP)',
  'POST /verifikasi/berkas':
    'certificate verification: is an uploaded PDF (5 MB at most, in memory) byte for byte the issued one, or an uploaded or pasted Open Badge (JSON or VC-JWT) genuine (rate-limited per IP)',
  'GET /openbadges/kunci':
    'public keys (JWK Set) that verify the Open Badges VC-JWT export; public keys only (rate-limited per IP)',
  'GET /openbadges/kunci/:kid':
    "one public key of the Open Badges VC-JWT export, at the address in the token's `kid` (rate-limited per IP)",
  'GET /ikm/:unit/terima-kasih': "thank-you page after answering a service unit's satisfaction survey",
};

/**
 * Public routes that SECURITY.md and DESIGN.md announce but that do not exist yet (certificate
 * verification, the citizen satisfaction survey). They may appear without another review of
 * this list; anything else new must be added above.
 */
const PLANNED_PUBLIC_ROUTES: Readonly<Record<string, string>> = {
  'GET /verifikasi': 'certificate verification: the form asking for a code',
  'GET /verifikasi/:code': 'certificate verification by code or QR (masked NIP, rate-limited)',
  'POST /verifikasi/:code': 'certificate verification: "cocok / tidak cocok" for a typed NIP',
  'GET /ikm/:unit': 'citizen satisfaction survey (IKM) form of a service unit',
  'POST /ikm/:unit': 'citizen satisfaction survey (IKM) answers',
};

export function isPublicRoute(key: string): boolean {
  return Object.hasOwn(PUBLIC_ROUTES, key) || Object.hasOwn(PLANNED_PUBLIC_ROUTES, key);
}
