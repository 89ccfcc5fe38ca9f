// Types the app adds to Express requests and sessions.
import type { TFunction } from 'i18next';
import type { Actor } from '../core/actor';
import type { Language } from '../core/roles';
import type { FlashType } from './flash';

declare global {
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends Actor {}
    interface Request {
      t: TFunction;
      lang: Language;
      flash(type: FlashType, message: string): void;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    language?: Language;
    flash?: { type: FlashType; message: string }[];
    /** sessionEpoch of the person when this session signed in. */
    epoch?: number;
    createdAt?: number;
    lastSeenAt?: number;
    mustChangePassword?: boolean;
    isMfaEnabled?: boolean;
    /** Password checked, second factor still to come. */
    mfaPending?: { userId: string; returnTo: string; startedAt: number };
    /** TOTP secret shown for enrolment, until the first code confirms it. */
    mfaPendingSecret?: string;
  }
}

export {};
