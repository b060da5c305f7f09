/**
 * Structured log lines, one JSON object a line. Callers pass only values that
 * are safe to keep: never a password, token or Authorization header.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export function logInfo(event: string, fields: LogFields): void {
  console.log(JSON.stringify({ level: "info", event, ...fields }));
}

export function logWarning(event: string, fields: LogFields): void {
  console.warn(JSON.stringify({ level: "warn", event, ...fields }));
}

export function logError(event: string, fields: LogFields): void {
  console.error(JSON.stringify({ level: "error", event, ...fields }));
}
