// Counters of sign-in attempts per account and per IP, kept in MongoDB so that every app instance
// behind a load balancer sees the same counts. Documents expire on their own (TTL on expiresAt).
import { Schema, model } from 'mongoose';

const loginThrottleSchema = new Schema(
  {
    _id: { type: String, required: true }, // 'acct:<canonical identifier>' or 'ip:<address>'
    count: { type: Number, required: true, default: 0 },
    windowStart: { type: Date, required: true },
    lockedUntil: { type: Date },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);

loginThrottleSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export const LoginThrottle = model('LoginThrottle', loginThrottleSchema);
