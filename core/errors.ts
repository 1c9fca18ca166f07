/** Base class so callers can tell our validation errors from programming errors. */
export class SpikeworksError extends Error {
  override name = 'SpikeworksError';
}

/** A bad value for a named parameter: the message always carries the name, the value and what is allowed. */
export class ParameterError extends SpikeworksError {
  override name = 'ParameterError';
  constructor(
    readonly where: string,
    readonly parameter: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${where}: parameter '${parameter}' = ${formatValue(value)} is invalid; allowed: ${allowed}`);
  }
}

/** A name (model, rule, preset, plugin) that nothing registered. */
export class UnknownNameError extends SpikeworksError {
  override name = 'UnknownNameError';
  constructor(
    readonly kind: string,
    readonly requested: string,
    readonly known: readonly string[],
  ) {
    super(`unknown ${kind} '${requested}'; known ${kind}s: ${known.length ? [...known].sort().join(', ') : '(none registered)'}`);
  }
}

export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? s.slice(0, 77) + '...' : s;
  } catch {
    return String(value);
  }
}
