/**
 * Ganeti's RAPI users file: one user a line, `NAME PASSWORD [OPTIONS]`,
 * fields split on whitespace, options split on commas. Blank lines and lines
 * starting with "#" are ignored; a line with fewer than two fields is
 * skipped, as ganeti-rapi skips it. A later line for the same name wins.
 */

/** One user as the gateway stores it in KV under `user:<name>`. */
export interface UserRecord {
  /** The password in users-file form: `{HA1}hex`, `{cleartext}x` or bare. */
  readonly password: string;
  /** Options such as `read` and `write`. */
  readonly options: readonly string[];
}

export interface ParsedUsersFile {
  readonly users: ReadonlyMap<string, UserRecord>;
  /** 1-based numbers of the lines skipped for having fewer than two fields. */
  readonly skippedLines: readonly number[];
}

/** Parses the text of a users file. */
export function parseUsersFile(text: string): ParsedUsersFile {
  const users = new Map<string, UserRecord>();
  const skippedLines: number[] = [];

  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) {
      return;
    }

    const [name, password, ...rest] = line.split(/\s+/);
    if (name === undefined || password === undefined) {
      skippedLines.push(index + 1);
      return;
    }

    const options = rest.length === 0 ? [] : rest.join(" ").split(",").map((option) => option.trim()).filter((option) => option !== "");
    users.set(name, { password, options });
  });

  return { users, skippedLines };
}

/** Returns the KV key under which a user's record is stored. */
export function userKey(name: string): string {
  return `user:${name}`;
}

/**
 * Parses a record read from KV. Returns undefined for anything that is not
 * a well-formed record, so a damaged entry can never grant access.
 */
export function parseUserRecord(value: unknown): UserRecord | undefined {
  if (typeof value !== "object" || value === null) {
    return undefined;
  }
  const { password, options } = value as Record<string, unknown>;
  if (typeof password !== "string" || password === "") {
    return undefined;
  }
  if (!Array.isArray(options) || !options.every((option): option is string => typeof option === "string")) {
    return undefined;
  }
  return { password, options };
}
