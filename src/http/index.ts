// The HTTP API's public face: HttpApi joins the listener, the API keys and the routes to the
// router's Intake and engines. The Router builds one when the config has an `http:` section.

import type { InstradaConfig } from '../config/instrada.js'
import { Pricing } from '../ledger/index.js'
import type { Logger } from '../log.js'
import type { Registry } from '../metrics.js'
import type { Intake } from '../router/intake.js'
import type { EngineApi } from '../router/protocol.js'
import type { DocStore, MessageStore } from '../store/index.js'
import type { Ledger } from '../ledger/types.js'
import { ApiKeyAuth } from './auth.js'
import type { HttpConfig } from './config.js'
import { IdempotencyCache } from './idempotency.js'
import { jasminRoutes } from './routes/jasmin.js'
import { messageRoutes } from './routes/messages.js'
import { previewRoutes } from './routes/preview.js'
import { searchRoutes } from './routes/search.js'
import { statsRoutes } from './routes/stats.js'
import { systemRoutes, type SystemDeps } from './routes/system.js'
import { HttpServer, type Route } from './server.js'
import { adminRoutes } from './routes/admin.js'
import { senderRoutes } from './routes/senders.js'
import type { AdminAccounts, SenderVerifier } from '../admin/index.js'

export { parseHttpConfig, parseApiKeys, keyHashProblem, HTTP_ACCOUNT_KEYS, type HttpConfig } from './config.js'
export { hashApiKey, ApiKeyAuth, type Principal } from './auth.js'
export { ApiError } from './errors.js'
export { messageStatus, MESSAGE_STATUSES, type MessageStatus } from './status.js'
export type { Route, Request, Reply } from './server.js'

export interface HttpApiOptions {
  config: InstradaConfig
  intake: Intake
  engines: EngineApi
  /** The node's store and ledger, as seen from the main thread (reads, admin, documents). */
  store: MessageStore & DocStore & { readonly ledger: Ledger }
  system: SystemDeps
  /** Account, credit and sender administration (the /v1/admin and /v1/senders routes); absent = not served. */
  admin?: { accounts: AdminAccounts, verifier: SenderVerifier, reload: () => Promise<void> }
  logger: Logger
  registry: Registry
}

export class HttpApi {
  readonly server: HttpServer
  readonly auth: ApiKeyAuth
  readonly idempotency: IdempotencyCache
  private pricing: Pricing

  constructor (readonly http: HttpConfig, opts: HttpApiOptions) {
    this.auth = new ApiKeyAuth(opts.config.accounts, http.adminKeyHash, { baseMs: http.authFailureDelayMs, maxMs: http.authFailureDelayMaxMs })
    this.idempotency = new IdempotencyCache(http.idempotencyTtlMs, http.idempotencyMax, opts.store)
    this.pricing = new Pricing(opts.config.pricing)
    const routes: Route[] = [
      ...messageRoutes({ intake: opts.intake, engines: opts.engines, idempotency: this.idempotency }),
      ...previewRoutes({ intake: opts.intake, pricing: () => this.pricing }),
      ...searchRoutes({ intake: opts.intake, store: opts.store }),
      ...statsRoutes({ intake: opts.intake, store: opts.store }),
      ...jasminRoutes({ intake: opts.intake, engines: opts.engines, ledger: opts.store.ledger, auth: this.auth }),
      ...systemRoutes(opts.system),
      ...(opts.admin === undefined ? [] : [
        ...adminRoutes({ accounts: opts.admin.accounts, ledger: opts.store.ledger, reload: opts.admin.reload }),
        ...senderRoutes({ accounts: opts.admin.accounts, verifier: opts.admin.verifier, intake: opts.intake, engines: opts.engines })
      ])
    ]
    this.server = new HttpServer({ host: http.host, port: http.port, bodyLimitBytes: http.bodyLimitBytes }, routes, this.auth, opts.logger, opts.registry)
  }

  get port (): number { return this.server.port }
  get closed (): Promise<void> { return this.server.closed }

  async start (): Promise<void> {
    await this.server.start()
    this.idempotency.start()
  }

  async close (): Promise<void> {
    await this.server.close()
    await this.idempotency.close()
  }

  /** Keys and prices from a reloaded config (the listener itself is not moved). */
  reload (config: InstradaConfig): void {
    this.auth.reload(config.accounts, config.http?.adminKeyHash ?? null)
    this.pricing = new Pricing(config.pricing)
  }
}
