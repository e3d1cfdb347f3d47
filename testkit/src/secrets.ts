// The one JWT secret test processes are started with (long enough for HS256), and the claims the API
// checks, so a test can mint tokens the API accepts.
export const TEST_JWT_SECRET = 'flock-test-secret-that-is-long-enough-for-hs256';
export const TEST_JWT_ISSUER = 'flock';
export const TEST_JWT_AUDIENCE = 'flock-api';
