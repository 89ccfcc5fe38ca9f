// zod schemas of the second-factor forms: the code at sign-in, enrolment, and turning it off.
import { z } from 'zod';

export const codeForm = z
  .object({ code: z.string().trim().min(1, 'auth.mfa.codeRequired').max(40) })
  .strict();

/** Enrolment asks for the password again, so a stolen session cannot enrol the thief's authenticator. */
export const enrolForm = z
  .object({
    password: z.string().min(1, 'auth.login.passwordRequired').max(256),
    code: z.string().trim().min(1, 'auth.mfa.codeRequired').max(40),
  })
  .strict();

export const disableForm = z
  .object({
    password: z.string().min(1, 'auth.login.passwordRequired').max(256),
    code: z.string().trim().min(1, 'auth.mfa.codeRequired').max(40),
  })
  .strict();
