import { AsyncLocalStorage } from 'node:async_hooks';
import type Provider from 'oidc-provider';
import type { Client } from 'oidc-provider';

/**
 * The demo CIAM's sessions by user, so that its demo-only account API can end all of a user's sessions the way
 * oidc-provider's RP-initiated logout ends one: a back-channel logout to every client of the session that registered a
 * back-channel URI (sent by oidc-provider itself), then the session's grants and the session are destroyed.
 */

/** One back-channel logout the demo CIAM sent. */
export interface BackchannelDelivery {
  readonly clientId: string;
  /** The session id the logout token names (the client's `sid` for that session, as in its tokens). */
  readonly sid?: string;
  readonly uri: string;
  /** The receiver's HTTP status; absent when it could not be reached. */
  readonly status?: number;
  /** Why the delivery failed: oidc-provider wants 200 or 204. Absent when it succeeded. */
  readonly error?: string;
}

export interface EndedSessions {
  readonly user: string;
  readonly sessionsEnded: number;
  readonly backchannelLogouts: readonly BackchannelDelivery[];
}

/** oidc-provider's Client sends the logout token itself (`backchannelLogout`), but its types do not declare it. */
type LoggingOutClient = Client & { backchannelLogout(sub: string, sid: string | undefined): Promise<void> };

export class DemoSessions {
  /** Session uids by login: oidc-provider's storage has no lookup by account. */
  readonly #byUser = new Map<string, Set<string>>();
  /** The receiver's answer to the delivery in progress, for the report (oidc-provider keeps only success or failure). */
  readonly #answer = new AsyncLocalStorage<{ status?: number }>();

  /** Follows a provider's sessions; called for every provider built (a key rotation builds a new one). */
  follow(provider: Provider): void {
    provider.on('session.saved', (session) => {
      if (!session.accountId) return;
      const uids = this.#byUser.get(session.accountId) ?? new Set<string>();
      this.#byUser.set(session.accountId, uids.add(session.uid));
    });
    provider.on('session.destroyed', (session) => {
      if (session.accountId) this.#byUser.get(session.accountId)?.delete(session.uid);
    });
  }

  /**
   * oidc-provider's outgoing requests, which here are only back-channel logouts to the clients registered in code.
   * Its own fetch refuses loopback addresses (SSRF protection, through `dispatcher`), but in local mode the gateway's
   * receiver is on 127.0.0.1, so the dispatcher is left out.
   */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const { dispatcher: _ssrfGuard, ...options } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
    const response = await fetch(input, options);
    const answer = this.#answer.getStore();
    if (answer) answer.status = response.status;
    return response;
  };

  /** Ends every live session of `login` at `provider`; undefined when the user has none. */
  async end(provider: Provider, login: string): Promise<EndedSessions | undefined> {
    const sessions = [];
    for (const uid of this.#byUser.get(login) ?? []) {
      const session = await provider.Session.findByUid(uid);
      if (session?.accountId === login) sessions.push(session);
    }
    this.#byUser.delete(login);
    if (sessions.length === 0) return undefined;

    const backchannelLogouts: BackchannelDelivery[] = [];
    for (const session of sessions) {
      for (const [clientId, { sid, grantId }] of Object.entries(session.authorizations ?? {})) {
        const client = (await provider.Client.find(clientId)) as LoggingOutClient | undefined;
        if (client?.backchannelLogoutUri) backchannelLogouts.push(await this.#deliver(client, client.backchannelLogoutUri, login, sid));
        if (grantId) await (await provider.Grant.find(grantId))?.destroy();
      }
      await session.destroy();
    }
    return { user: login, sessionsEnded: sessions.length, backchannelLogouts };
  }

  async #deliver(client: LoggingOutClient, uri: string, sub: string, sid: string | undefined): Promise<BackchannelDelivery> {
    const answer: { status?: number } = {};
    const delivery = { clientId: client.clientId, ...(sid === undefined ? {} : { sid }), uri };
    try {
      await this.#answer.run(answer, () => client.backchannelLogout(sub, sid));
      return { ...delivery, status: answer.status };
    } catch (err) {
      return { ...delivery, ...(answer.status === undefined ? {} : { status: answer.status }), error: err instanceof Error ? err.message : String(err) };
    }
  }
}
