// MongoDB's duplicate-key error (E11000): a unique index refused a write that raced past the
// service's own check. Which of the given fields it is about, so the form can say so.
export function duplicateKeyField<F extends string>(error: unknown, fields: readonly F[]): F | undefined {
  const e = error as { code?: number; keyPattern?: Record<string, unknown>; message?: string } | null;
  if (!e || e.code !== 11000) return undefined;
  const keys = Object.keys(e.keyPattern ?? {});
  // eslint-disable-next-line security/detect-non-literal-regexp -- field names are the caller's constants
  return fields.find((f) => keys.includes(f) || new RegExp(`\\b${f}_`).test(e.message ?? ''));
}
