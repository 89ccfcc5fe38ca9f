// The one people-specific error: a NIP or email that already belongs to someone (409 with a field message).
import { Conflict } from '../web/errors';

export type UniqueField = 'nip' | 'email';

export class DuplicateField extends Conflict {
  constructor(public readonly field: UniqueField) {
    super(field === 'nip' ? 'users.errors.nipTaken' : 'users.errors.emailTaken');
  }

  /** The field message for re-rendering the form with a 409. */
  get fieldErrors(): Record<string, string> {
    return { [this.field]: this.messageKey };
  }
}

/** Which unique field a MongoDB duplicate-key error (11000) is about, if any. */
export function duplicateFieldOf(error: unknown): UniqueField | undefined {
  const e = error as { code?: number; keyPattern?: Record<string, unknown>; message?: string } | null;
  if (!e || e.code !== 11000) return undefined;
  const keys = Object.keys(e.keyPattern ?? {});
  if (keys.includes('nip') || /nip/.test(e.message ?? '')) return 'nip';
  if (keys.includes('email') || /email/.test(e.message ?? '')) return 'email';
  return undefined;
}
