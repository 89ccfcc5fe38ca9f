// The person: an ASN (PNS or PPPK) or a partner's staff member, with roles and sign-in state.
// Rules about who may change what live in users.service.ts; this file holds data integrity only.
import { Schema, model, type InferSchemaType, type Types, type HydratedDocument } from 'mongoose';
import { isValidNip } from './nip';
import { EMPLOYEE_TYPES, isValidGolongan, type EmployeeType } from './ranks';

import { LANGUAGES, ROLES } from '../core/roles';
import { mirrorWrites } from '../db/watched-mirror';

export const USER_STATUSES = ['active', 'inactive'] as const;

const mfaSchema = new Schema(
  {
    enabled: { type: Boolean, default: false },
    secret: { type: String }, // TOTP secret sealed with AES-256-GCM (src/mfa/mfa-crypto.ts); never rendered after enrolment
    pendingSecret: { type: String },
    recoveryCodeHashes: { type: [String], default: [] },
    lastUsedStep: { type: Number }, // rejects replay of the same TOTP code
  },
  { _id: false },
);

const userSchema = new Schema(
  {
    nip: {
      type: String,
      trim: true,
      validate: { validator: (v: string) => isValidNip(v), message: 'nip.invalid' },
    },
    email: { type: String, trim: true, lowercase: true, maxlength: 254 },
    name: { type: String, required: true, trim: true, maxlength: 200 }, // with degrees, as printed
    employeeType: { type: String, enum: EMPLOYEE_TYPES, required: true, default: 'pns' },
    golongan: { type: String, trim: true },
    jabatan: { type: String, trim: true, maxlength: 200, default: '' },
    unitKerja: { type: String, trim: true, maxlength: 200, default: '' },
    opd: { type: Schema.Types.ObjectId, ref: 'Institution' }, // agency of an ASN (kind 'opd')
    institution: { type: Schema.Types.ObjectId, ref: 'Institution' }, // partner of an author (kind 'university')
    roles: { type: [{ type: String, enum: ROLES }], default: ['learner'] },
    status: { type: String, enum: USER_STATUSES, default: 'active' },
    language: { type: String, enum: LANGUAGES, default: 'id' },
    passwordHash: { type: String },
    mustChangePassword: { type: Boolean, default: false },
    passwordChangedAt: { type: Date },
    // Incremented when a password changes or the person is deactivated: sessions carrying an
    // older epoch stop working on their next request.
    sessionEpoch: { type: Number, default: 0 },
    failedLogins: { type: Number, default: 0 },
    lockedUntil: { type: Date },
    lastLoginAt: { type: Date },
    privacyAcknowledgedAt: { type: Date },
    mfa: { type: mfaSchema, default: () => ({}) },
  },
  { timestamps: true },
);

userSchema.index({ nip: 1 }, { unique: true, partialFilterExpression: { nip: { $type: 'string' } } });
userSchema.index({ email: 1 }, { unique: true, partialFilterExpression: { email: { $type: 'string' } } });
userSchema.index({ opd: 1, name: 1 });
userSchema.index({ roles: 1 });

userSchema.pre('validate', function checkIdentity() {
  if (!this.nip && !this.email) this.invalidate('nip', 'user.identityRequired');
  if (!isValidGolongan(this.employeeType as EmployeeType, this.golongan))
    this.invalidate('golongan', 'golongan.invalid');
});

// Every write through this model in this process, for the caches of people (credentials.ts).
const writeListeners: Array<() => void> = [];
export function onUserWrite(listener: () => void): void {
  writeListeners.push(listener);
}
const written = () => writeListeners.forEach((listener) => listener());
for (const op of [
  'save',
  'insertMany',
  'updateOne',
  'updateMany',
  'replaceOne',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'deleteOne',
  'deleteMany',
] as const) {
  userSchema.pre(op as 'save', function () {
    written();
  });
  userSchema.post(op as 'save', written);
}

export type UserFields = InferSchemaType<typeof userSchema>;
export type UserDocument = HydratedDocument<UserFields>;
export type UserId = Types.ObjectId;
/** Writes reach the people mirror of people-in-scope.ts at once (compiled into the model). */
export const userWrites = mirrorWrites(userSchema);

export const User = model('User', userSchema);
