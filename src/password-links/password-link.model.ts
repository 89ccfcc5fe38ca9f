// A single-use link that sets a password: an invitation (from HR or an admin) or a forgotten-password
// link (asked for by the person). Only the SHA-256 of the token is stored; the token itself exists
// in the mail alone. A new link of the same purpose for the same person replaces the older one.
import { Schema, model, type InferSchemaType } from 'mongoose';

export const LINK_PURPOSES = ['invitation', 'reset'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

const passwordLinkSchema = new Schema({
  tokenHash: { type: String, required: true },
  person: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  purpose: { type: String, enum: LINK_PURPOSES, required: true },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
  usedAt: { type: Date },
  replacedAt: { type: Date }, // a newer link of the same purpose was issued
  invitedBy: { type: Schema.Types.ObjectId, ref: 'User' }, // invitations: who sent it
  invitedByName: { type: String, default: '' },
});

passwordLinkSchema.index({ tokenHash: 1 }, { unique: true });
passwordLinkSchema.index({ person: 1, purpose: 1, createdAt: -1 });
passwordLinkSchema.index({ purpose: 1, createdAt: -1 });

export type PasswordLinkFields = InferSchemaType<typeof passwordLinkSchema>;
export const PasswordLink = model('PasswordLink', passwordLinkSchema, 'passwordLinks');
