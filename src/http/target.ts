/** The request target as the client sent it: raw path and raw query. */
export interface RequestTarget {
  /** Path, percent-escapes kept, e.g. `/2/instances/web1`. */
  readonly path: string;
  /** Query without "?", or "" when there is none. */
  readonly query: string;
  /** Path plus "?query" when there is a query: what is forwarded upstream. */
  readonly raw: string;
}

/**
 * Splits a request URL into its raw path and query. The same string is both
 * matched against the resource table and forwarded, so what is checked is
 * what the daemon gets. workerd has already resolved dot segments and kept
 * percent-escapes as sent.
 */
export function parseTarget(url: string): RequestTarget {
  const afterScheme = url.indexOf("//");
  const pathStart = url.indexOf("/", afterScheme < 0 ? 0 : afterScheme + 2);
  const withoutOrigin = pathStart < 0 ? "/" : url.slice(pathStart);
  const hash = withoutOrigin.indexOf("#");
  const raw = hash < 0 ? withoutOrigin : withoutOrigin.slice(0, hash);

  const question = raw.indexOf("?");
  if (question < 0) {
    return { path: raw, query: "", raw };
  }
  const query = raw.slice(question + 1);
  const path = raw.slice(0, question);
  return { path, query, raw };
}
