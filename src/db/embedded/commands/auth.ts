// Authentication as MongoDB does it: saslStart/saslContinue with SCRAM-SHA-256 or SCRAM-SHA-1,
// the same first step carried inside hello (speculativeAuthenticate, saving a round trip), and
// hello's saslSupportedMechs. Every failure answers AuthenticationFailed (18) without saying why,
// as MongoDB does; the reason goes to the server log.
import { Binary, Document } from 'bson';
import { ErrorCodes, MongoServerError, fail } from '../errors';
import { MECHANISMS, ScramConversation, ScramFailure, ScramMechanism } from '../scram';
import { CommandContext } from './context';

const authenticationFailed = () =>
  new MongoServerError(ErrorCodes.AuthenticationFailed, 'Authentication failed.');

function payloadBytes(payload: unknown): Buffer {
  if (payload instanceof Binary) return Buffer.from(payload.buffer);
  if (typeof payload === 'string') return Buffer.from(payload, 'base64');
  fail(ErrorCodes.BadValue, 'saslStart and saslContinue need a binary payload');
}

function startConversation(ctx: CommandContext, request: Document, db: string): Document {
  const mechanism = request.mechanism as ScramMechanism;
  if (!MECHANISMS.includes(mechanism))
    fail(
      ErrorCodes.MechanismUnavailable,
      `Received authentication for mechanism ${String(mechanism)} which is unknown or not enabled`,
    );
  const users = ctx.server.users ?? [];
  const conversation = new ScramConversation(mechanism, (name) =>
    users.find((u) => u.user === name && u.db === db),
  );
  const reply = conversation.start(payloadBytes(request.payload));
  const sasl = (ctx.conn.sasl ??= new Map());
  const conversationId = sasl.size + 1;
  sasl.clear(); // one conversation at a time per connection, as the drivers run them
  sasl.set(conversationId, conversation);
  return { conversationId, done: false, payload: new Binary(reply) };
}

function refused(ctx: CommandContext, error: unknown): never {
  if (!(error instanceof ScramFailure)) throw error;
  ctx.server.log.push(
    JSON.stringify({ t: { $date: new Date().toISOString() }, s: 'I', c: 'ACCESS', msg: error.message }),
  );
  throw authenticationFailed();
}

export function saslStart(ctx: CommandContext): Document {
  try {
    return { ...startConversation(ctx, ctx.body, ctx.db), ok: 1 };
  } catch (error) {
    refused(ctx, error);
  }
}

export function saslContinue(ctx: CommandContext): Document {
  const id = Number(ctx.body.conversationId);
  const conversation = ctx.conn.sasl?.get(id);
  if (!conversation) fail(ErrorCodes.ProtocolError, 'No SASL session state found');
  try {
    const { reply, user } = conversation.finish(payloadBytes(ctx.body.payload));
    ctx.conn.sasl!.delete(id);
    ctx.conn.user = { user: user.user, db: user.db };
    return { conversationId: id, done: true, payload: new Binary(reply), ok: 1 };
  } catch (error) {
    ctx.conn.sasl!.delete(id);
    refused(ctx, error);
  }
}

export function logout(ctx: CommandContext): Document {
  ctx.conn.user = undefined;
  return { ok: 1 };
}

/** What hello adds for a client that brings credentials: its mechanisms and the first SCRAM step. */
export function helloAuthentication(ctx: CommandContext): Document {
  const out: Document = {};
  if (!ctx.server.users) return out;
  const asked = ctx.body.saslSupportedMechs;
  if (typeof asked === 'string') {
    const dot = asked.indexOf('.');
    const [db, name] = [asked.slice(0, dot), asked.slice(dot + 1)];
    if (ctx.server.users.some((u) => u.user === name && u.db === db))
      out.saslSupportedMechs = [...MECHANISMS];
  }
  const speculative = ctx.body.speculativeAuthenticate as Document | undefined;
  if (speculative && speculative.saslStart !== undefined && typeof speculative.db === 'string') {
    // A failed first step is left out of the reply; the client then runs saslStart and hears why.
    try {
      out.speculativeAuthenticate = startConversation(ctx, speculative, speculative.db);
    } catch {
      // nothing to add
    }
  }
  return out;
}

export function authInfo(ctx: CommandContext): Document {
  const user = ctx.conn.user;
  return {
    authenticatedUsers: user ? [user] : [],
    authenticatedUserRoles: user ? [{ role: 'root', db: 'admin' }] : [],
  };
}
