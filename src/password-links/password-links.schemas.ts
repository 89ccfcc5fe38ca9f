// Inputs of the forgotten-password form, the set-password form of a link and the invitation buttons.
import { z } from 'zod';

export const forgotForm = z
  .object({
    identifier: z
      .string()
      .trim()
      .min(1, 'passwordLinks.forgot.identifierRequired')
      .max(254, 'common.validation.tooLong'),
  })
  .strict();

export const setPasswordForm = z
  .object({
    password: z.string().min(1, 'common.validation.required').max(256, 'auth.password.tooLong'),
    confirmPassword: z.string().max(256, 'common.validation.tooLong'),
  })
  .strict()
  .refine((v) => v.password === v.confirmPassword, {
    message: 'auth.password.mismatch',
    path: ['confirmPassword'],
  });

/** A link's token as it appears in the path; anything else is answered like an unknown link. */
export const tokenParam = z.object({ token: z.string().max(100) }).catch({ token: '' });

export const emptyForm = z.object({}).strict();
