// Inputs of the sign-in, password and language forms.
import { z } from 'zod';

export const loginForm = z
  .object({
    identifier: z
      .string()
      .trim()
      .min(1, 'auth.login.identifierRequired')
      .max(254, 'common.validation.tooLong'),
    password: z.string().min(1, 'auth.login.passwordRequired').max(256, 'common.validation.tooLong'),
    returnTo: z.string().max(1000).optional(),
  })
  .strict();

export const loginQuery = z
  .object({
    returnTo: z.string().max(1000).optional(),
    ended: z.enum(['idle', 'expired', 'revoked']).optional(),
  })
  .catch({});

export const changePasswordForm = z
  .object({
    currentPassword: z.string().min(1, 'common.validation.required').max(256, 'common.validation.tooLong'),
    newPassword: z.string().min(1, 'common.validation.required').max(256, 'auth.password.tooLong'),
    confirmPassword: z.string().max(256, 'common.validation.tooLong'),
  })
  .strict()
  .refine((v) => v.newPassword === v.confirmPassword, {
    message: 'auth.password.mismatch',
    path: ['confirmPassword'],
  });

export const languageForm = z
  .object({ lang: z.enum(['id', 'en']), returnTo: z.string().max(1000).optional() })
  .strict();
