/**
 * Users shared by the tests: who exists on the simulated daemon (the
 * gateway's upstream accounts) and who exists at the edge (clients).
 */

/** The daemon's users file: the gateway's two upstream service accounts. */
export const UPSTREAM_USERS_FILE = [
  "# the gateway's upstream accounts, one per access level",
  "edge-reader {cleartext}edge-reader-secret read",
  "edge-writer {cleartext}edge-writer-secret write",
].join("\n");

/** Worker settings for tests: upstream accounts, a users cache that never hides a change. */
export const GATEWAY_TEST_VARS = {
  UPSTREAM_READ_USER: "edge-reader",
  UPSTREAM_READ_PASSWORD: "edge-reader-secret",
  UPSTREAM_WRITE_USER: "edge-writer",
  UPSTREAM_WRITE_PASSWORD: "edge-writer-secret",
  REQUIRE_AUTH: "true",
  USERS_CACHE_SECONDS: "0",
  UPSTREAM_TIMEOUT_MS: "3000",
  JOB_POLL_INTERVAL_MS: "200",
  JOB_WAIT_TIMEOUT_MS: "2000",
} as const;

/** Clients at the edge, in Ganeti users-file form. */
export const EDGE_USERS_FILE = [
  "# clients of the gateway",
  // md5("operator:Ganeti Remote API:operator-secret")
  "operator {HA1}f4a75c1a54fabe35a184d9a3f327feda write",
  "auditor {cleartext}auditor-secret read",
  "guest guest-secret",
].join("\n");
