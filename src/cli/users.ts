/**
 * Operator commands for the users kept in KV:
 *   import FILE     print a Ganeti users file as JSON for `wrangler kv bulk put`
 *   hash USER PASS  print the {HA1} form of a password for a users file
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { RAPI_REALM } from "../auth/realm.ts";
import { parseUsersFile, userKey } from "../auth/users-file.ts";

const USAGE = `usage:
  npm run --silent users -- import FILE > users.json
      print FILE (Ganeti users-file format) as JSON for
      "wrangler kv bulk put users.json --binding USERS"
  npm run --silent users -- hash USER PASS
      print {HA1}md5("USER:${RAPI_REALM}:PASS") for a users file`;

function importUsersFile(path: string): void {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    console.error(`cannot read users file ${path}: ${(error as Error).message}`);
    process.exit(1);
  }
  const parsed = parseUsersFile(text);
  for (const line of parsed.skippedLines) {
    console.error(`${path}:${line}: skipped, a user line needs a name and a password`);
  }
  const entries = [...parsed.users].map(([name, record]) => ({ key: userKey(name), value: JSON.stringify(record) }));
  console.log(JSON.stringify(entries, null, 2));
  console.error(`${entries.length} users`);
}

function hashPassword(user: string, password: string): void {
  const hex = createHash("md5").update(`${user}:${RAPI_REALM}:${password}`).digest("hex");
  console.log(`{HA1}${hex}`);
}

const [command, ...args] = process.argv.slice(2);
if (command === "import" && args.length === 1 && args[0] !== undefined) {
  importUsersFile(args[0]);
} else if (command === "hash" && args.length === 2 && args[0] !== undefined && args[1] !== undefined) {
  hashPassword(args[0], args[1]);
} else {
  console.error(USAGE);
  process.exit(2);
}
