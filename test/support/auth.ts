// Signing in from tests the way a browser does: fetch the form, take its CSRF token, post it.
import type { Express } from 'express';
import request from 'supertest';

export type Agent = ReturnType<typeof request.agent>;

/** The CSRF token of the first form on a page. */
export function csrfTokenFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1];
}

/** Fetches `path` with the agent and returns the CSRF token of its form. */
export async function csrfToken(agent: Agent, path = '/login'): Promise<string> {
  const page = await agent.get(path);
  return csrfTokenFrom(page.text);
}

/** Signs the agent in; returns the POST /login response (302 on success). */
export async function signIn(agent: Agent, identifier: string, password: string, returnTo?: string) {
  const token = await csrfToken(agent, '/login');
  return agent
    .post('/login')
    .type('form')
    .send({ _csrf: token, identifier, password, ...(returnTo ? { returnTo } : {}) });
}

/**
 * An agent already signed in, ready for requests: like a person at their first sign-in, it
 * confirms the privacy notice when asked to. Throws when sign-in fails.
 */
export async function signedInAgent(
  app: Express | string,
  identifier: string,
  password: string,
): Promise<Agent> {
  const agent = request.agent(app);
  const response = await signIn(agent, identifier, password);
  if (response.status !== 302) throw new Error(`sign-in failed with ${response.status}`);
  const probe = await agent.get('/');
  const location = String(probe.headers.location ?? '');
  if (probe.status === 302 && location.startsWith('/privasi')) {
    const token = await csrfToken(agent, location);
    await agent.post('/privasi/setuju').type('form').send({ _csrf: token, returnTo: '/' });
  }
  return agent;
}

/** Posts a form from a signed-in (or anonymous) agent with a fresh CSRF token taken from `formPage`. */
export async function postForm(
  agent: Agent,
  formPage: string,
  action: string,
  fields: Record<string, string>,
) {
  const token = await csrfToken(agent, formPage);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: token, ...fields });
}

/** An agent whose password was accepted but whose second-factor code is still pending. */
export async function halfSignedAgent(app: Express, identifier: string, password: string): Promise<Agent> {
  const agent = request.agent(app);
  const login = await signIn(agent, identifier, password);
  if (login.headers.location !== '/login/mfa')
    throw new Error(`expected the code step, got ${login.status} → ${login.headers.location}`);
  return agent;
}

/** Posts a second-factor (or recovery) code on the sign-in code step. */
export async function postMfaCode(agent: Agent, code: string) {
  const token = await csrfToken(agent, '/login/mfa');
  return agent.post('/login/mfa').type('form').send({ _csrf: token, code });
}
