function isPythonNumber(value: unknown): value is number | boolean {
  return typeof value === "number" || typeof value === "boolean";
}

/**
 * Compares two JSON values as Python's `==` compares what json.loads makes of
 * them: True equals 1 and False equals 0, lists compare item by item, and
 * dicts compare by key set and values whatever the key order. Ganeti's change
 * checker decides "changed" with this comparison.
 */
export function pythonEquals(left: unknown, right: unknown): boolean {
  if (isPythonNumber(left) && isPythonNumber(right)) {
    return Number(left) === Number(right);
  }
  if (left === null || right === null || typeof left !== "object" || typeof right !== "object") {
    return left === right;
  }

  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) {
      return false;
    }
    return left.every((item, index) => pythonEquals(item, right[index]));
  }

  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  const leftKeys = Object.keys(leftRecord);
  if (leftKeys.length !== Object.keys(rightRecord).length) {
    return false;
  }
  return leftKeys.every((key) => Object.hasOwn(rightRecord, key) && pythonEquals(leftRecord[key], rightRecord[key]));
}
