// Size limits MongoDB announces in `hello` and enforces: one BSON document, one wire message.
export const MAX_BSON_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE = 48_000_000;
