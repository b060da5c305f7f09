// Ganeti's RAPI users file: one user a line, `NAME PASSWORD [OPTIONS]`,
// parsed the way ganeti.http.auth.ParsePasswordFile (3.0.2) does.

export interface RapiUser {
  readonly name: string;
  /** Password as stored: `{cleartext}…`, `{HA1}…` or a bare cleartext word. */
  readonly password: string;
  /** Options such as `read` and `write`, compared case-sensitively like the daemon does. */
  readonly options: readonly string[];
}

// Python's str.splitlines() breaks on all of these.
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;
const WHITESPACE = /\s+/;

/**
 * Parses users-file text. Blank lines, lines starting with `#` (after
 * trimming) and lines with fewer than two fields are skipped. A later line for
 * the same name replaces an earlier one.
 */
export function parseUsersFile(text: string): Map<string, RapiUser> {
  const users = new Map<string, RapiUser>();

  for (const rawLine of text.split(LINE_BREAK)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) {
      continue;
    }

    const name = line.split(WHITESPACE, 1)[0] ?? "";
    const afterName = line.slice(name.length).trimStart();
    const password = afterName.split(WHITESPACE, 1)[0] ?? "";
    if (password === "") {
      continue;
    }

    // Like Python's split(None, 2): the third field is the rest of the line.
    const rest = afterName.slice(password.length).trimStart();
    const options = rest === "" ? [] : rest.split(",").map((option) => option.trim());
    users.set(name, { name, password, options });
  }

  return users;
}
